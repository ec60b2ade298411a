package io.etch.storage.wal;

/** Kinds of write-ahead-log records; see {@link WalRecordDescriptor} for their bodies. */
public enum WalRecordType {
  /** First record of every segment: identity, first expected entry index, size. */
  SEGMENT_HEADER((byte) 1),
  /** A log entry: index, term, entry type, opaque payload. */
  ENTRY((byte) 2),
  /** The consensus hard state: term, vote, commit. */
  HARD_STATE((byte) 3),
  /** A snapshot exists at (index, term); at or past the last entry it empties the log. */
  SNAPSHOT_MARKER((byte) 4),
  /** Entries from an index on are removed (conflicting suffix). */
  TRUNCATE((byte) 5);

  private static final WalRecordType[] BY_CODE = new WalRecordType[6];

  static {
    for (WalRecordType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final byte code;

  WalRecordType(byte code) {
    this.code = code;
  }

  /** The type byte written at {@link WalRecordDescriptor#RECORD_TYPE_OFFSET}. */
  public byte code() {
    return code;
  }

  /** The type for {@code code}, or {@code null} when the byte names no known type. */
  public static WalRecordType fromCode(byte code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
