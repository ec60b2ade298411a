package io.etch.storage.snap;

import java.nio.file.Path;

/** A snapshot file whose framing, size or checksum is wrong. */
public final class SnapshotCorruptionException extends SnapshotException {
  private static final long serialVersionUID = 1L;

  public SnapshotCorruptionException(Path file, String reason) {
    super(file, "snapshot " + file + " is corrupt: " + reason, null);
  }
}
