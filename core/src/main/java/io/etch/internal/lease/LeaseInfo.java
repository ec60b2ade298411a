package io.etch.internal.lease;

import io.etch.ByteSequence;
import java.util.List;

/**
 * The replicated state of one lease, the same on every member.
 *
 * @param leaseId the id
 * @param ttlSeconds the granted TTL (after raising to the minimum)
 * @param remainingTtlMs the last checkpointed remaining TTL; 0 when none
 * @param keys the attached keys, in key order
 */
public record LeaseInfo(
    long leaseId, long ttlSeconds, long remainingTtlMs, List<ByteSequence> keys) {
  public LeaseInfo {
    keys = List.copyOf(keys);
  }
}
