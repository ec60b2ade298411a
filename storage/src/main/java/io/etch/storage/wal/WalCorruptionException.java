package io.etch.storage.wal;

import java.nio.file.Path;

/**
 * The log on disk is damaged in a way recovery must not repair: a bad record followed by records
 * that were durable, a missing or truncated segment, a gap in indexes, a broken checksum chain.
 * Opening fails rather than silently dropping committed records.
 */
public final class WalCorruptionException extends WalException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final long offset;

  public WalCorruptionException(Path file, long offset, String reason) {
    super("write-ahead log corrupt in " + file + " at offset " + offset + ": " + reason, null);
    this.file = file;
    this.offset = offset;
  }

  /** The segment file holding the damage. */
  public Path file() {
    return file;
  }

  /** Byte offset of the damage inside {@link #file()}. */
  public long offset() {
    return offset;
  }
}
