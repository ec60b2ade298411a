package io.etch.internal.lease;

import io.etch.ByteSequence;
import java.util.List;

/**
 * A lease's time to live as the leader sees it, shaped like etcd's LeaseTimeToLiveResponse.
 *
 * @param leaseId the lease asked about
 * @param remainingSeconds whole seconds left (truncated, as etcd does: the lease expires in under
 *     {@code remainingSeconds + 1} s); -1 when the lease does not exist
 * @param grantedTtlSeconds the granted TTL; 0 when the lease does not exist
 * @param keys the attached keys in key order, when asked for; else empty
 */
public record LeaseTimeToLive(
    long leaseId, long remainingSeconds, long grantedTtlSeconds, List<ByteSequence> keys) {
  public LeaseTimeToLive {
    keys = List.copyOf(keys);
  }

  static LeaseTimeToLive notFound(long leaseId) {
    return new LeaseTimeToLive(leaseId, -1, 0, List.of());
  }

  public boolean exists() {
    return remainingSeconds != -1;
  }
}
