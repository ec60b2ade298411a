package io.etch.lease;

import io.etch.ByteSequence;
import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/**
 * A lease's time to live.
 *
 * @param ttlSeconds remaining seconds (the lease expires in under {@code ttlSeconds + 1} s); -1
 *     when the lease does not exist or has expired
 * @param grantedTtlSeconds the TTL granted (or restarted by the last renewal); 0 when unknown
 * @param keys the attached keys when asked for, else empty
 */
public record LeaseTimeToLiveResponse(
    Header header, long leaseId, long ttlSeconds, long grantedTtlSeconds, List<ByteSequence> keys) {
  public LeaseTimeToLiveResponse {
    Objects.requireNonNull(header, "header");
    keys = List.copyOf(keys);
  }

  /** Whether the lease exists ({@code ttlSeconds != -1}). */
  public boolean exists() {
    return ttlSeconds != -1;
  }
}
