package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight encoder of {@link WalRecordDescriptor} frames into one reusable direct staging buffer.
 * Each {@code encode*} method lays out a complete frame at offset 0 (padding zeroed, checksum set)
 * and returns its length; the caller copies it into the segment. Not thread-safe.
 */
final class WalFrameEncoder {
  private final UnsafeBuffer buffer;
  private final CRC32C crc = new CRC32C();
  private int lastCrc;
  private ByteBuffer crcSource;
  private ByteBuffer crcView;

  WalFrameEncoder(int maxFrameBytes) {
    this.buffer =
        new UnsafeBuffer(ByteBuffer.allocateDirect(maxFrameBytes).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The staging buffer holding the last encoded frame at offset 0. */
  DirectBuffer buffer() {
    return buffer;
  }

  /** Checksum of the last encoded frame. */
  int lastCrc() {
    return lastCrc;
  }

  int encodeEntry(
      long index,
      long term,
      byte entryType,
      DirectBuffer payload,
      int payloadOffset,
      int payloadLength,
      int prevCrc,
      int durableOffset) {
    return encodeEntry(
        buffer,
        0,
        index,
        term,
        entryType,
        payload,
        payloadOffset,
        payloadLength,
        prevCrc,
        durableOffset);
  }

  /**
   * Lays out an entry frame at {@code offset} of {@code dst} (which must be backed by a direct
   * {@link ByteBuffer}, as a {@link io.etch.storage.fs.WriteClaim}'s buffer is) and returns its
   * length. The hot path: no allocation, one payload copy, one checksum pass.
   */
  int encodeEntry(
      MutableDirectBuffer dst,
      int offset,
      long index,
      long term,
      byte entryType,
      DirectBuffer payload,
      int payloadOffset,
      int payloadLength,
      int prevCrc,
      int durableOffset) {
    int bodyLength = ENTRY_FIXED_BODY_LENGTH + payloadLength;
    header(
        dst, offset, WalRecordType.ENTRY, (byte) 0, entryType, bodyLength, prevCrc, durableOffset);
    dst.putLong(offset + ENTRY_INDEX_OFFSET, index);
    dst.putLong(offset + ENTRY_TERM_OFFSET, term);
    dst.putBytes(offset + ENTRY_PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
    return finish(dst, offset, bodyLength);
  }

  int encodeHardState(WalHardState state, byte flags, int prevCrc, int durableOffset) {
    header(
        buffer,
        0,
        WalRecordType.HARD_STATE,
        flags,
        (byte) 0,
        HARD_STATE_BODY_LENGTH,
        prevCrc,
        durableOffset);
    buffer.putLong(HARD_STATE_TERM_OFFSET, state.term());
    buffer.putLong(HARD_STATE_VOTE_OFFSET, state.vote());
    buffer.putLong(HARD_STATE_COMMIT_OFFSET, state.commit());
    return finish(buffer, 0, HARD_STATE_BODY_LENGTH);
  }

  int encodeSnapshotMarker(WalSnapshotMarker marker, byte flags, int prevCrc, int durableOffset) {
    header(
        buffer,
        0,
        WalRecordType.SNAPSHOT_MARKER,
        flags,
        (byte) 0,
        SNAPSHOT_BODY_LENGTH,
        prevCrc,
        durableOffset);
    buffer.putLong(SNAPSHOT_INDEX_OFFSET, marker.index());
    buffer.putLong(SNAPSHOT_TERM_OFFSET, marker.term());
    return finish(buffer, 0, SNAPSHOT_BODY_LENGTH);
  }

  int encodeTruncate(long fromIndex, int prevCrc, int durableOffset) {
    header(
        buffer,
        0,
        WalRecordType.TRUNCATE,
        (byte) 0,
        (byte) 0,
        TRUNCATE_BODY_LENGTH,
        prevCrc,
        durableOffset);
    buffer.putLong(TRUNCATE_FROM_INDEX_OFFSET, fromIndex);
    return finish(buffer, 0, TRUNCATE_BODY_LENGTH);
  }

  int encodeSegmentHeader(long sequence, long firstIndex, long segmentSizeBytes, int prevCrc) {
    header(
        buffer,
        0,
        WalRecordType.SEGMENT_HEADER,
        (byte) 0,
        (byte) 0,
        SEGMENT_HEADER_BODY_LENGTH,
        prevCrc,
        0);
    buffer.putLong(SEGMENT_MAGIC_OFFSET, SEGMENT_MAGIC);
    buffer.putInt(SEGMENT_FORMAT_VERSION_OFFSET, FORMAT_VERSION);
    buffer.putInt(SEGMENT_FORMAT_VERSION_OFFSET + 4, 0);
    buffer.putLong(SEGMENT_SEQUENCE_OFFSET, sequence);
    buffer.putLong(SEGMENT_FIRST_INDEX_OFFSET, firstIndex);
    buffer.putLong(SEGMENT_SIZE_OFFSET, segmentSizeBytes);
    return finish(buffer, 0, SEGMENT_HEADER_BODY_LENGTH);
  }

  /**
   * Writes the 24 header bytes as three little-endian longs (fewer bounds-checked stores than one
   * put per field): frame length and a zero CRC placeholder, previous CRC and durable offset, then
   * record type, flags, entry type, the reserved zero byte and the body length.
   */
  private static void header(
      MutableDirectBuffer dst,
      int offset,
      WalRecordType type,
      byte flags,
      byte entryType,
      int bodyLength,
      int prevCrc,
      int durableOffset) {
    dst.putLong(
        offset + FRAME_LENGTH_OFFSET,
        frameLength(bodyLength) & 0xFFFF_FFFFL,
        ByteOrder.LITTLE_ENDIAN);
    dst.putLong(
        offset + PREV_CRC_OFFSET,
        (prevCrc & 0xFFFF_FFFFL) | ((long) durableOffset << 32),
        ByteOrder.LITTLE_ENDIAN);
    dst.putLong(
        offset + RECORD_TYPE_OFFSET,
        (type.code() & 0xFFL)
            | ((flags & 0xFFL) << 8)
            | ((entryType & 0xFFL) << 16)
            | ((long) bodyLength << 32),
        ByteOrder.LITTLE_ENDIAN);
  }

  private int finish(MutableDirectBuffer dst, int offset, int bodyLength) {
    int frameLength = frameLength(bodyLength);
    int padding = frameLength - HEADER_LENGTH - bodyLength;
    if (padding > 0) {
      dst.setMemory(offset + HEADER_LENGTH + bodyLength, padding, (byte) 0);
    }
    lastCrc = checksum(dst, offset, bodyLength);
    dst.putInt(offset + CRC_OFFSET, lastCrc);
    return frameLength;
  }

  /**
   * {@link WalRecordDescriptor#checksum} without its per-call allocation: the view over {@code
   * frame}'s byte buffer is made once per buffer and repositioned for each frame.
   */
  private int checksum(DirectBuffer frame, int offset, int bodyLength) {
    ByteBuffer bytes = frame.byteBuffer();
    if (bytes != crcSource) {
      crcSource = bytes;
      crcView = bytes.duplicate();
    }
    ByteBuffer view = crcView;
    int base = (int) frame.wrapAdjustment() + offset;
    crc.reset();
    view.limit(base + CRC_OFFSET).position(base);
    crc.update(view);
    view.limit(base + HEADER_LENGTH + bodyLength).position(base + PREV_CRC_OFFSET);
    crc.update(view);
    return (int) crc.getValue();
  }
}
