/**
 * Cluster membership, like jetcd's {@code Cluster}: list, add (voter or learner), promote, remove
 * and move leadership; plus {@link io.etch.cluster.MemberIds}, the rule that derives member and
 * cluster ids.
 */
package io.etch.cluster;
