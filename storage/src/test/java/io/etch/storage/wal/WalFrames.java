package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Test helper: walks the frames of a segment's raw bytes. */
final class WalFrames {
  private WalFrames() {}

  /** A frame found in a segment. */
  record Frame(int offset, int length, WalRecordType type, long entryIndex, int crc) {}

  static List<Frame> frames(byte[] segment) {
    ByteBuffer b = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
    List<Frame> frames = new ArrayList<>();
    int p = 0;
    while (p + HEADER_LENGTH <= segment.length) {
      int length = b.getInt(p + FRAME_LENGTH_OFFSET);
      if (length == 0) {
        break;
      }
      WalRecordType type = WalRecordType.fromCode(b.get(p + RECORD_TYPE_OFFSET));
      long index = type == WalRecordType.ENTRY ? b.getLong(p + ENTRY_INDEX_OFFSET) : -1;
      frames.add(new Frame(p, length, type, index, b.getInt(p + CRC_OFFSET)));
      p += length;
    }
    return frames;
  }

  static Frame entryFrame(byte[] segment, long index) {
    for (Frame f : frames(segment)) {
      if (f.entryIndex() == index) {
        return f;
      }
    }
    throw new AssertionError("entry " + index + " not in segment");
  }
}
