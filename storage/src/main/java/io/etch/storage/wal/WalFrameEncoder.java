package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
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
    int bodyLength = ENTRY_FIXED_BODY_LENGTH + payloadLength;
    header(WalRecordType.ENTRY, (byte) 0, entryType, bodyLength, prevCrc, durableOffset);
    buffer.putLong(ENTRY_INDEX_OFFSET, index);
    buffer.putLong(ENTRY_TERM_OFFSET, term);
    buffer.putBytes(ENTRY_PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
    return finish(bodyLength);
  }

  int encodeHardState(WalHardState state, byte flags, int prevCrc, int durableOffset) {
    header(
        WalRecordType.HARD_STATE, flags, (byte) 0, HARD_STATE_BODY_LENGTH, prevCrc, durableOffset);
    buffer.putLong(HARD_STATE_TERM_OFFSET, state.term());
    buffer.putLong(HARD_STATE_VOTE_OFFSET, state.vote());
    buffer.putLong(HARD_STATE_COMMIT_OFFSET, state.commit());
    return finish(HARD_STATE_BODY_LENGTH);
  }

  int encodeSnapshotMarker(WalSnapshotMarker marker, byte flags, int prevCrc, int durableOffset) {
    header(
        WalRecordType.SNAPSHOT_MARKER,
        flags,
        (byte) 0,
        SNAPSHOT_BODY_LENGTH,
        prevCrc,
        durableOffset);
    buffer.putLong(SNAPSHOT_INDEX_OFFSET, marker.index());
    buffer.putLong(SNAPSHOT_TERM_OFFSET, marker.term());
    return finish(SNAPSHOT_BODY_LENGTH);
  }

  int encodeTruncate(long fromIndex, int prevCrc, int durableOffset) {
    header(
        WalRecordType.TRUNCATE, (byte) 0, (byte) 0, TRUNCATE_BODY_LENGTH, prevCrc, durableOffset);
    buffer.putLong(TRUNCATE_FROM_INDEX_OFFSET, fromIndex);
    return finish(TRUNCATE_BODY_LENGTH);
  }

  int encodeSegmentHeader(long sequence, long firstIndex, long segmentSizeBytes, int prevCrc) {
    header(
        WalRecordType.SEGMENT_HEADER, (byte) 0, (byte) 0, SEGMENT_HEADER_BODY_LENGTH, prevCrc, 0);
    buffer.putLong(SEGMENT_MAGIC_OFFSET, SEGMENT_MAGIC);
    buffer.putInt(SEGMENT_FORMAT_VERSION_OFFSET, FORMAT_VERSION);
    buffer.putInt(SEGMENT_FORMAT_VERSION_OFFSET + 4, 0);
    buffer.putLong(SEGMENT_SEQUENCE_OFFSET, sequence);
    buffer.putLong(SEGMENT_FIRST_INDEX_OFFSET, firstIndex);
    buffer.putLong(SEGMENT_SIZE_OFFSET, segmentSizeBytes);
    return finish(SEGMENT_HEADER_BODY_LENGTH);
  }

  private void header(
      WalRecordType type,
      byte flags,
      byte entryType,
      int bodyLength,
      int prevCrc,
      int durableOffset) {
    buffer.putInt(FRAME_LENGTH_OFFSET, frameLength(bodyLength));
    buffer.putInt(CRC_OFFSET, 0);
    buffer.putInt(PREV_CRC_OFFSET, prevCrc);
    buffer.putInt(DURABLE_OFFSET_OFFSET, durableOffset);
    buffer.putByte(RECORD_TYPE_OFFSET, type.code());
    buffer.putByte(FLAGS_OFFSET, flags);
    buffer.putByte(ENTRY_TYPE_OFFSET, entryType);
    buffer.putByte(ENTRY_TYPE_OFFSET + 1, (byte) 0);
    buffer.putInt(BODY_LENGTH_OFFSET, bodyLength);
  }

  private int finish(int bodyLength) {
    int frameLength = frameLength(bodyLength);
    buffer.setMemory(
        HEADER_LENGTH + bodyLength, frameLength - HEADER_LENGTH - bodyLength, (byte) 0);
    lastCrc = checksum(crc, buffer, 0, bodyLength);
    buffer.putInt(CRC_OFFSET, lastCrc);
    return frameLength;
  }
}
