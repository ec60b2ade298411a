package io.etch.storage.snap;

/**
 * Byte layout of a snapshot file. Integers are little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "ETCHSNP1" (int64)                     |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Format Version (int32)                       |  8
 *  +---------------------------------------------------------------+
 *  |                  Reserved (int32, zero)                       | 12
 *  +---------------------------------------------------------------+
 *  |                  Index (int64): last entry the snapshot covers| 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Term (int64) of that entry                   | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Payload (opaque, Payload Length bytes)      ...  32
 *  +---------------------------------------------------------------+
 *  |                  Payload Length (int64)                       |  trailer + 0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  CRC32C (int32)                               |  trailer + 8
 *  +---------------------------------------------------------------+
 *  |                  Reserved (int32, zero)                       |  trailer + 12
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The CRC32C covers the header, the payload and the payload length. A file is valid only if its
 * size is exactly {@code HEADER_LENGTH + payloadLength + TRAILER_LENGTH} and the checksum matches.
 */
public final class SnapshotDescriptor {
  private SnapshotDescriptor() {}

  public static final long MAGIC = 0x31504E5348435445L; // "ETCHSNP1" little-endian
  public static final int FORMAT_VERSION = 1;

  public static final int MAGIC_OFFSET = 0;
  public static final int FORMAT_VERSION_OFFSET = 8;
  public static final int INDEX_OFFSET = 16;
  public static final int TERM_OFFSET = 24;
  public static final int HEADER_LENGTH = 32;

  public static final int TRAILER_PAYLOAD_LENGTH_OFFSET = 0;
  public static final int TRAILER_CRC_OFFSET = 8;
  public static final int TRAILER_LENGTH = 16;

  /** Bytes of the trailer covered by the checksum (the payload length). */
  public static final int TRAILER_CHECKSUMMED_LENGTH = 8;
}
