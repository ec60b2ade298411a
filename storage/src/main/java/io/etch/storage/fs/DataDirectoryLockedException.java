package io.etch.storage.fs;

import java.nio.file.Path;

/** Another process, or another node in this JVM, already holds the lock on a data directory. */
public final class DataDirectoryLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Path directory;

  public DataDirectoryLockedException(Path directory) {
    super(
        "data directory "
            + directory
            + " is already in use by another node (its LOCK file is held)");
    this.directory = directory;
  }

  /** The directory whose lock is held elsewhere. */
  public Path directory() {
    return directory;
  }
}
