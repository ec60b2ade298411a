package io.etch.storage.snap;

import java.nio.file.Path;

/** A snapshot payload that exceeds {@link SnapshotConfig#maxPayloadBytes()}. */
public final class SnapshotTooLargeException extends SnapshotException {
  private static final long serialVersionUID = 1L;
  private final long limitBytes;

  public SnapshotTooLargeException(Path file, long limitBytes) {
    super(file, "snapshot " + file + " exceeds maxPayloadBytes " + limitBytes, null);
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
