package io.etch.internal.lease;

import io.etch.ByteSequence;
import java.util.TreeSet;

/**
 * One lease: the replicated part (id, granted TTL, checkpointed remaining TTL, attached keys in key
 * order) and the leader's volatile expiry.
 */
final class LeaseEntry {
  /** The expiry of a lease on a member that is not the leader: never. */
  static final long FOREVER = Long.MAX_VALUE;

  final long id;
  final long ttlSeconds;
  long remainingTtlMs;
  final TreeSet<ByteSequence> keys = new TreeSet<>();
  long expiryNs = FOREVER;

  LeaseEntry(long id, long ttlSeconds, long remainingTtlMs) {
    this.id = id;
    this.ttlSeconds = ttlSeconds;
    this.remainingTtlMs = remainingTtlMs;
  }

  /** What the lease restarts from on a new leader: the checkpoint if any, else the full TTL. */
  long restartTtlNs() {
    return remainingTtlMs > 0 ? remainingTtlMs * 1_000_000L : ttlNs();
  }

  long ttlNs() {
    return Lessor.secondsToNs(ttlSeconds);
  }

  LeaseInfo info() {
    return new LeaseInfo(id, ttlSeconds, remainingTtlMs, keys.stream().toList());
  }
}
