package io.etch.transport.codec;

/**
 * Body layout of a {@link FrameType#MESSAGE} frame: one non-local Raft message, big endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  type code    |    flags      |  from (int64) ...             |
 *  +---------------+---------------+-------------------------------+
 *  |  ... from                                                     |
 *  +-------------------------------+-------------------------------+
 *  |  ... from                     |  to (int64) ...               |
 *  +-------------------------------+-------------------------------+
 *  ...  term, logTerm, index, commit, rejectHint (int64 each)    ...
 *  +---------------------------------------------------------------+  fixed header: 58 bytes
 *  |  context length (int32)  |  context bytes ...                 |
 *  +---------------------------------------------------------------+
 *  |  entry count (int32)                                          |
 *  +---------------------------------------------------------------+
 *  |  entry: term (int64) | index (int64) | type (int8) |          |
 *  |         data length (int32) | data bytes ...        | x count |
 *  +---------------------------------------------------------------+
 *  |  only when flags has SNAPSHOT:                                |
 *  |  snapshot index (int64) | snapshot term (int64)               |
 *  |  voters:         count (int32) | ids (int64 x count)          |
 *  |  learners:       count (int32) | ids (int64 x count)          |
 *  |  votersOutgoing: count (int32) | ids (int64 x count)          |
 *  |  learnersNext:   count (int32) | ids (int64 x count)          |
 *  |  autoLeave (int8: 0 or 1) | data length (int32) | data ...    |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Flags: bit 0 {@link #FLAG_REJECT}, bit 1 {@link #FLAG_SNAPSHOT}; other bits must be zero. The
 * body must end exactly where the frame ends. Local message types are never encoded and a frame
 * that names one is malformed.
 */
public final class MessageDescriptor {
  public static final int TYPE_OFFSET = 0;
  public static final int FLAGS_OFFSET = 1;
  public static final int FROM_OFFSET = 2;
  public static final int TO_OFFSET = FROM_OFFSET + 8;
  public static final int TERM_OFFSET = TO_OFFSET + 8;
  public static final int LOG_TERM_OFFSET = TERM_OFFSET + 8;
  public static final int INDEX_OFFSET = LOG_TERM_OFFSET + 8;
  public static final int COMMIT_OFFSET = INDEX_OFFSET + 8;
  public static final int REJECT_HINT_OFFSET = COMMIT_OFFSET + 8;

  /** Bytes of the fixed part, up to and excluding the context length. */
  public static final int FIXED_HEADER_BYTES = REJECT_HINT_OFFSET + 8;

  /** Bytes of an entry without its data. */
  public static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;

  /** Bytes of a snapshot without member ids and data. */
  public static final int SNAPSHOT_FIXED_BYTES = 8 + 8 + 4 * 4 + 1 + 4;

  public static final int FLAG_REJECT = 1;
  public static final int FLAG_SNAPSHOT = 2;
  public static final int KNOWN_FLAGS = FLAG_REJECT | FLAG_SNAPSHOT;

  private MessageDescriptor() {}
}
