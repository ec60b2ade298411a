package io.etch.maintenance;

import io.etch.kv.Header;
import java.util.Objects;

/**
 * A completed backup.
 *
 * @param header {@code header.revision()} is the revision the backup captures
 * @param sizeBytes bytes written, checksum included
 * @param checksum the checksum written at the end of the stream
 */
public record SnapshotResponse(Header header, long sizeBytes, long checksum) {
  public SnapshotResponse {
    Objects.requireNonNull(header, "header");
  }
}
