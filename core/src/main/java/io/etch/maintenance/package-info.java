/**
 * Operations, what an etcd operator does with etcdctl and /metrics: status, health, hashKv
 * consistency checks, backup snapshots, alarms and a plain metrics snapshot.
 */
package io.etch.maintenance;
