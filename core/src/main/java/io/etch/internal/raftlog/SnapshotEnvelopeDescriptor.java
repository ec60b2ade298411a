package io.etch.internal.raftlog;

import java.nio.ByteOrder;

/**
 * Byte layout of the envelope at the start of every snapshot payload this package writes: the
 * membership ({@link io.etch.raft.ConfState}) the snapshot stands for, followed by the state
 * machine's bytes. The snapshot file around it (header with index and term, trailer with length and
 * CRC32C) belongs to {@link io.etch.storage.snap.SnapshotStore}. Integers are little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "ERSE" (int32)                         |  0
 *  +-------------------------------+---------------+---------------+
 *  |  Version (int16)              | Flags (int8)  | Reserved (0)  |  4
 *  +-------------------------------+---------------+---------------+
 *  |                  Voters count (int32)                         |  8
 *  +---------------------------------------------------------------+
 *  |                  Learners count (int32)                       | 12
 *  +---------------------------------------------------------------+
 *  |                  Outgoing voters count (int32)                | 16
 *  +---------------------------------------------------------------+
 *  |                  Next learners count (int32)                  | 20
 *  +---------------------------------------------------------------+
 *  |                  Member ids (int64 each, in the order above) ...  24
 *  +---------------------------------------------------------------+
 *  |                  State machine bytes (to the payload's end)  ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Flags: bit 0 = autoLeave. Each count is at most {@link #MAX_IDS_PER_SET}; unknown flag bits,
 * another magic or version are corruption.
 */
final class SnapshotEnvelopeDescriptor {
  private SnapshotEnvelopeDescriptor() {}

  static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
  static final int MAGIC = 0x45535245; // "ERSE" little-endian
  static final short VERSION = 1;

  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 4;
  static final int FLAGS_OFFSET = 6;
  static final int VOTERS_COUNT_OFFSET = 8;
  static final int LEARNERS_COUNT_OFFSET = 12;
  static final int VOTERS_OUTGOING_COUNT_OFFSET = 16;
  static final int LEARNERS_NEXT_COUNT_OFFSET = 20;
  static final int FIXED_LENGTH = 24;

  static final byte FLAG_AUTO_LEAVE = 1;

  /** Sanity bound on each member set, so garbage counts fail fast. */
  static final int MAX_IDS_PER_SET = 1 << 16;
}
