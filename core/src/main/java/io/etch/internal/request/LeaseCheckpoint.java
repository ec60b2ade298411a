package io.etch.internal.request;

/**
 * The remaining TTL of one lease as the leader saw it, replicated so that the next leader restarts
 * the lease from there instead of from its full TTL (etcd's LeaseCheckpoint). {@code
 * remainingTtlMs} 0 clears a previous checkpoint (the lease restarts from its full TTL).
 */
public record LeaseCheckpoint(long leaseId, long remainingTtlMs) {
  public LeaseCheckpoint {
    if (remainingTtlMs < 0) {
      throw new IllegalArgumentException(
          "remainingTtlMs must be >= 0 (0 clears the checkpoint), got " + remainingTtlMs);
    }
  }
}
