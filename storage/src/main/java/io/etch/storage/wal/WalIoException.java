package io.etch.storage.wal;

import java.io.IOException;
import java.nio.file.Path;

/** An I/O error while opening or reading the log (not a write failure, see WalFailedException). */
public final class WalIoException extends WalException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  public WalIoException(Path file, IOException cause) {
    super("write-ahead log I/O error on " + file + ": " + cause.getMessage(), cause);
    this.file = file;
  }

  /** The file or directory the error concerns. */
  public Path file() {
    return file;
  }
}
