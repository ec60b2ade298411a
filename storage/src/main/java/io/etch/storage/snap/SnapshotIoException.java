package io.etch.storage.snap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An I/O error while writing or reading a snapshot. A failed sync of a snapshot being written is
 * not retried: the temporary file is abandoned and the previous snapshots stay in force.
 */
public final class SnapshotIoException extends SnapshotException {
  private static final long serialVersionUID = 1L;

  public SnapshotIoException(Path file, IOException cause) {
    super(file, "snapshot I/O error on " + file + ": " + cause.getMessage(), cause);
  }
}
