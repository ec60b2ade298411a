package io.etch.storage.mvcc;

import java.nio.ByteOrder;

/**
 * Byte layout of the MVCC snapshot stream ({@link MvccView#writeSnapshot}). Integers are
 * big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "ETCHMVCC" (int64)                     |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Format (int32) = 1                           |  8
 *  +---------------------------------------------------------------+
 *  |                  Revision (int64)                             | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Compacted revision (int64)                   | 20
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Applied index (int64)                        | 28
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Extra length (int32)                         | 36
 *  +---------------------------------------------------------------+
 *  |                  Extra bytes                                 ...  40
 *  +---------------------------------------------------------------+
 *  |                  Key count (int64)                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Key record * key count, keys ascending      ...
 *  +---------------------------------------------------------------+
 *  |                  End marker "END!" (int32)                    |
 *  +---------------------------------------------------------------+
 *  |                  CRC32C (int32) of every byte before it       |
 *  +---------------------------------------------------------------+
 *
 *  Key record:
 *  +---------------------------------------------------------------+
 *  |                  Key length (int32)                           |  0
 *  +---------------------------------------------------------------+
 *  |                  Key bytes                                   ...  4
 *  +---------------------------------------------------------------+
 *  |                  Version count (int32), at least 1            |
 *  +---------------------------------------------------------------+
 *  |                  Version record * count, oldest first        ...
 *  +---------------------------------------------------------------+
 *
 *  Version record:
 *  +---------------------------------------------------------------+
 *  |                  Mod revision, main (int64)                   |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Mod revision, sub (int64)                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Create revision (int64)                      | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Version (int64), 0 for a tombstone           | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Lease (int64)                                | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Value length (int32), -1 for a tombstone     | 40
 *  +---------------------------------------------------------------+
 *  |                  Value bytes                                 ...  44
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The stream is written and read in chunks ({@link MvccSnapshotEncoder}, {@link
 * MvccSnapshotDecoder}); the layout does not depend on the chunk size.
 */
final class MvccSnapshotDescriptor {
  private MvccSnapshotDescriptor() {}

  static final ByteOrder BYTE_ORDER = ByteOrder.BIG_ENDIAN;

  static final long MAGIC = 0x455443484d564343L; // "ETCHMVCC"
  static final int FORMAT = 1;
  static final int END_MARKER = 0x454e4421; // "END!"

  static final int MAGIC_OFFSET = 0;
  static final int FORMAT_OFFSET = 8;
  static final int REVISION_OFFSET = 12;
  static final int COMPACTED_REVISION_OFFSET = 20;
  static final int APPLIED_INDEX_OFFSET = 28;
  static final int EXTRA_LENGTH_OFFSET = 36;
  static final int HEADER_LENGTH = 40;

  static final int MOD_MAIN_OFFSET = 0;
  static final int MOD_SUB_OFFSET = 8;
  static final int CREATE_OFFSET = 16;
  static final int VERSION_OFFSET = 24;
  static final int LEASE_OFFSET = 32;
  static final int VALUE_LENGTH_OFFSET = 40;
  static final int VERSION_HEADER_LENGTH = 44;

  /** The value length of a tombstone. */
  static final int TOMBSTONE_LENGTH = -1;

  /** Sanity bound on the extra bytes. */
  static final int MAX_EXTRA_BYTES = 1 << 30;
}
