package io.etch.storage.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;

/**
 * Byte layout of a write-ahead-log record ("frame"). All integers are little-endian; every frame
 * starts at an 8-byte aligned offset of its segment and is padded with zeros to the next multiple
 * of 8.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              Frame Length (header + body + padding)           |  0
 *  +---------------------------------------------------------------+
 *  |                 CRC32C (see "Checksum" below)                 |  4
 *  +---------------------------------------------------------------+
 *  |              CRC32C of the previous record (chain)            |  8
 *  +---------------------------------------------------------------+
 *  |  Durable Offset: this segment was durable below it on append  | 12
 *  +---------------+---------------+---------------+---------------+
 *  |  Record Type  |     Flags     |  Entry Type   |   Reserved    | 16
 *  +---------------+---------------+---------------+---------------+
 *  |                  Body Length (without padding)                | 20
 *  +---------------------------------------------------------------+
 *  |                         Body ...                             ...  24
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Bodies by {@link WalRecordType}:
 *
 * <pre>
 *  ENTRY            index:int64  term:int64  payload:bytes[bodyLength - 16]
 *  HARD_STATE       term:int64   vote:int64  commit:int64
 *  SNAPSHOT_MARKER  index:int64  term:int64
 *  TRUNCATE         fromIndex:int64
 *  SEGMENT_HEADER   magic:int64  formatVersion:int32  reserved:int32  sequence:int64
 *                   firstIndex:int64  segmentSizeBytes:int64
 * </pre>
 *
 * <p><b>Checksum.</b> The CRC32C covers bytes [0, 4) and [8, 24 + bodyLength): everything but
 * itself and the padding, including the previous record's CRC at offset 8. Every record is
 * therefore verifiable on its own, and the chain (offset 8 equals the CRC of the record before it,
 * across segment boundaries as in etcd's WAL) stops a valid record from being replayed out of
 * place. A frame length of zero marks the end of the written part of a segment (segments are
 * pre-filled with zeros).
 *
 * <p><b>Durable offset.</b> When the writer appends a record it stores the offset below which it
 * knows the segment to be durable. Recovery uses it to tell a torn tail (a crash lost or tore
 * unsynced sectors; later surviving records never claim the damaged spot was durable) from
 * corruption of synced data (some later record claims the damaged spot had already been synced).
 */
public final class WalRecordDescriptor {
  private WalRecordDescriptor() {}

  /** Frames start at, and are padded to, multiples of this many bytes. */
  public static final int ALIGNMENT = 8;

  public static final int FRAME_LENGTH_OFFSET = 0;
  public static final int CRC_OFFSET = 4;
  public static final int PREV_CRC_OFFSET = 8;
  public static final int DURABLE_OFFSET_OFFSET = 12;
  public static final int RECORD_TYPE_OFFSET = 16;
  public static final int FLAGS_OFFSET = 17;
  public static final int ENTRY_TYPE_OFFSET = 18;
  public static final int BODY_LENGTH_OFFSET = 20;

  /** Length of the frame header; the body starts here. */
  public static final int HEADER_LENGTH = 24;

  /** Flag: the record repeats the latest hard state or snapshot marker at a segment's start. */
  public static final byte FLAG_CARRIED_OVER = 1;

  public static final int ENTRY_INDEX_OFFSET = HEADER_LENGTH;
  public static final int ENTRY_TERM_OFFSET = HEADER_LENGTH + 8;
  public static final int ENTRY_PAYLOAD_OFFSET = HEADER_LENGTH + 16;
  public static final int ENTRY_FIXED_BODY_LENGTH = 16;

  public static final int HARD_STATE_TERM_OFFSET = HEADER_LENGTH;
  public static final int HARD_STATE_VOTE_OFFSET = HEADER_LENGTH + 8;
  public static final int HARD_STATE_COMMIT_OFFSET = HEADER_LENGTH + 16;
  public static final int HARD_STATE_BODY_LENGTH = 24;

  public static final int SNAPSHOT_INDEX_OFFSET = HEADER_LENGTH;
  public static final int SNAPSHOT_TERM_OFFSET = HEADER_LENGTH + 8;
  public static final int SNAPSHOT_BODY_LENGTH = 16;

  public static final int TRUNCATE_FROM_INDEX_OFFSET = HEADER_LENGTH;
  public static final int TRUNCATE_BODY_LENGTH = 8;

  public static final int SEGMENT_MAGIC_OFFSET = HEADER_LENGTH;
  public static final int SEGMENT_FORMAT_VERSION_OFFSET = HEADER_LENGTH + 8;
  public static final int SEGMENT_SEQUENCE_OFFSET = HEADER_LENGTH + 16;
  public static final int SEGMENT_FIRST_INDEX_OFFSET = HEADER_LENGTH + 24;
  public static final int SEGMENT_SIZE_OFFSET = HEADER_LENGTH + 32;
  public static final int SEGMENT_HEADER_BODY_LENGTH = 40;

  /** "ETCHWAL1" in ASCII, read as a little-endian long. */
  public static final long SEGMENT_MAGIC = 0x314C41574843_5445L;

  public static final int FORMAT_VERSION = 1;

  /** Length of a frame carrying {@code bodyLength} body bytes, padding included. */
  public static int frameLength(int bodyLength) {
    return BitUtil.align(HEADER_LENGTH + bodyLength, ALIGNMENT);
  }

  /** Length of an entry frame with {@code payloadLength} payload bytes. */
  public static int entryFrameLength(int payloadLength) {
    return frameLength(ENTRY_FIXED_BODY_LENGTH + payloadLength);
  }

  /** Length of the segment-header frame that starts every segment. */
  public static int segmentHeaderFrameLength() {
    return frameLength(SEGMENT_HEADER_BODY_LENGTH);
  }

  /**
   * Computes the checksum of the frame at {@code offset} of {@code frame} whose body is {@code
   * bodyLength} bytes long. {@code frame} must be backed by a {@link ByteBuffer}.
   */
  public static int checksum(CRC32C crc, DirectBuffer frame, int offset, int bodyLength) {
    ByteBuffer view = frame.byteBuffer().duplicate();
    int base = (int) frame.wrapAdjustment() + offset;
    crc.reset();
    view.limit(base + CRC_OFFSET).position(base);
    crc.update(view);
    view.limit(base + HEADER_LENGTH + bodyLength).position(base + PREV_CRC_OFFSET);
    crc.update(view);
    return (int) crc.getValue();
  }
}
