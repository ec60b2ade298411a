package io.etch.kv;

/**
 * The header every response carries (etcd's ResponseHeader).
 *
 * @param clusterId the id of the cluster that answered
 * @param memberId the id of the member that answered
 * @param revision the store's revision when the request was applied (for a write, the revision it
 *     created; for a read, the revision read at, or the latest revision when reading "now"); 0 for
 *     calls that do not touch the key-value store. On a watch progress notification, every later
 *     event has a greater revision.
 * @param raftTerm the Raft term when the request was applied
 */
public record Header(long clusterId, long memberId, long revision, long raftTerm) {}
