package io.etch.lease;

import io.etch.kv.Header;
import java.util.Objects;

/**
 * A renewal.
 *
 * @param ttlSeconds the TTL restarted by the renewal
 */
public record LeaseKeepAliveResponse(Header header, long leaseId, long ttlSeconds) {
  public LeaseKeepAliveResponse {
    Objects.requireNonNull(header, "header");
  }
}
