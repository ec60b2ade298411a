package io.etch.transport.codec;

/**
 * Body layouts of the snapshot stream frames, big endian. A SNAPSHOT connection carries, after the
 * handshake, exactly one BEGIN, any number of CHUNKs and one END; the receiver answers with one
 * ACK.
 *
 * <pre>
 *  SNAPSHOT_BEGIN:
 *  +---------------------------------------------------------------+
 *  |  file length in bytes (int64)                                 |
 *  +---------------------------------------------------------------+
 *  |  the SNAP message, laid out as in {@link MessageDescriptor}   |
 *  +---------------------------------------------------------------+
 *
 *  SNAPSHOT_CHUNK:
 *  +---------------------------------------------------------------+
 *  |  file bytes (1 .. frame length - 1)                           |
 *  +---------------------------------------------------------------+
 *
 *  SNAPSHOT_END, 12 bytes:
 *  +---------------------------------------------------------------+
 *  |  total bytes sent (int64)                                     |
 *  +---------------------------------------------------------------+
 *  |  CRC32C of the whole file (int32)                             |
 *  +---------------------------------------------------------------+
 *
 *  SNAPSHOT_ACK, 1 byte:
 *  +---------------+
 *  | 1 ok, 0 failed|
 *  +---------------+
 * </pre>
 */
public final class SnapshotFrameDescriptor {
  public static final int BEGIN_FILE_BYTES_OFFSET = 0;
  public static final int BEGIN_MESSAGE_OFFSET = 8;

  public static final int END_TOTAL_BYTES_OFFSET = 0;
  public static final int END_CRC_OFFSET = 8;
  public static final int END_BYTES = 12;

  public static final int ACK_BYTES = 1;

  private SnapshotFrameDescriptor() {}
}
