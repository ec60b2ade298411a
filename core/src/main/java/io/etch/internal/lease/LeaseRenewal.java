package io.etch.internal.lease;

/**
 * The result of a keep-alive on the leader.
 *
 * @param leaseId the renewed lease
 * @param ttlSeconds its TTL, now restarted (etcd's keep-alive response TTL)
 * @param clearCheckpoint whether the node must propose a LEASE_CHECKPOINT of {@code (leaseId, 0)}:
 *     the lease carries a checkpointed remaining TTL that the renewal made stale, and a new leader
 *     would otherwise restart the lease from that shorter value (etcd's renew-clears-checkpoint
 *     rule; at most one such entry per lease per checkpoint interval)
 */
public record LeaseRenewal(long leaseId, long ttlSeconds, boolean clearCheckpoint) {}
