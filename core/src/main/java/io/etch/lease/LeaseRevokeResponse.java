package io.etch.lease;

import io.etch.kv.Header;
import java.util.Objects;

/**
 * A revoked lease; {@code header.revision()} is the revision that deleted its keys (or the current
 * revision if it had none).
 */
public record LeaseRevokeResponse(Header header) {
  public LeaseRevokeResponse {
    Objects.requireNonNull(header, "header");
  }
}
