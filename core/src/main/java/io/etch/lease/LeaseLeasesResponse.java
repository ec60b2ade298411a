package io.etch.lease;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/**
 * The live leases.
 *
 * @param leaseIds their ids, in no particular order
 */
public record LeaseLeasesResponse(Header header, List<Long> leaseIds) {
  public LeaseLeasesResponse {
    Objects.requireNonNull(header, "header");
    leaseIds = List.copyOf(leaseIds);
  }
}
