package io.etch.storage.snap;

import java.nio.file.Path;

/** Base of every error of the snapshot store; names the file concerned. */
public abstract class SnapshotException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  protected SnapshotException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The snapshot file (or directory) concerned. */
  public Path file() {
    return file;
  }
}
