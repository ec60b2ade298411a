package io.etch;

import java.util.Objects;

/**
 * A backup (a snapshot taken by {@code maintenance().snapshot}) failed its integrity checks on
 * restore.
 */
public final class CorruptBackupException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final String reason;

  public CorruptBackupException(String source, String reason) {
    super("backup " + source + " is corrupt: " + reason);
    this.source = Objects.requireNonNull(source, "source");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Where the backup was read from (a path or a description of the stream). */
  public String source() {
    return source;
  }

  /** What failed, e.g. {@code "checksum mismatch: expected 1a2b, computed 3c4d"}. */
  public String reason() {
    return reason;
  }

  @Override
  public Kind kind() {
    return Kind.CORRUPT_BACKUP;
  }
}
