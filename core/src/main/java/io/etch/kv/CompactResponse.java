package io.etch.kv;

import java.util.Objects;

/**
 * The result of a compaction.
 *
 * @param header {@code header.revision()} is the store's revision when the compaction applied
 */
public record CompactResponse(Header header) {
  public CompactResponse {
    Objects.requireNonNull(header, "header");
  }
}
