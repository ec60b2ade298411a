package io.etch.lease;

import io.etch.kv.Header;
import java.util.Objects;

/**
 * A granted lease.
 *
 * @param leaseId the lease's id (positive)
 * @param ttlSeconds the TTL granted, which may exceed the one asked (minimum TTL)
 */
public record LeaseGrantResponse(Header header, long leaseId, long ttlSeconds) {
  public LeaseGrantResponse {
    Objects.requireNonNull(header, "header");
  }
}
