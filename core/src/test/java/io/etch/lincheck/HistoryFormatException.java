package io.etch.lincheck;

import java.nio.file.Path;

/** A history file that cannot be parsed: names the file, the 1-based line and what is wrong. */
public final class HistoryFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int lineNumber;
  private final String reason;

  public HistoryFormatException(Path file, int lineNumber, String reason) {
    super(file + ":" + lineNumber + ": " + reason);
    this.file = file;
    this.lineNumber = lineNumber;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  /** 1-based; 0 when the problem is not on one line (for example an empty file). */
  public int lineNumber() {
    return lineNumber;
  }

  public String reason() {
    return reason;
  }
}
