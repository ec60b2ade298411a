package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;

import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight reader of frames: copies one frame from a segment into a reusable direct buffer and
 * checks that it is self-consistent (plausible length, matching body length, valid checksum). Chain
 * and type checks are the caller's. Not thread-safe.
 */
final class WalFrameReader {
  /** Outcome of {@link #readAt}. */
  enum Verdict {
    /** A zero frame length: nothing was written here. */
    END,
    /** A self-consistent frame; its bytes are in {@link #buffer()}. */
    VALID,
    /** Something that is neither; see {@link #badReason()}. */
    BAD
  }

  private static final int SCAN_CHUNK_BYTES = 64 << 10;

  private final CRC32C crc = new CRC32C();
  private UnsafeBuffer buffer;
  private final UnsafeBuffer scan =
      new UnsafeBuffer(ByteBuffer.allocateDirect(SCAN_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN));
  private String badReason = "";

  WalFrameReader(int initialCapacityBytes) {
    this.buffer = allocate(initialCapacityBytes);
  }

  private static UnsafeBuffer allocate(int bytes) {
    return new UnsafeBuffer(ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The frame read by the last {@link Verdict#VALID} {@link #readAt} (or {@link #readTrusted}). */
  UnsafeBuffer buffer() {
    return buffer;
  }

  String badReason() {
    return badReason;
  }

  int frameLength() {
    return buffer.getInt(FRAME_LENGTH_OFFSET);
  }

  int crc() {
    return buffer.getInt(CRC_OFFSET);
  }

  int prevCrc() {
    return buffer.getInt(PREV_CRC_OFFSET);
  }

  int durableOffset() {
    return buffer.getInt(DURABLE_OFFSET_OFFSET);
  }

  byte recordTypeCode() {
    return buffer.getByte(RECORD_TYPE_OFFSET);
  }

  byte flags() {
    return buffer.getByte(FLAGS_OFFSET);
  }

  int bodyLength() {
    return buffer.getInt(BODY_LENGTH_OFFSET);
  }

  /** Reads and checks the frame at {@code position} of {@code file}. */
  Verdict readAt(StorageFile file, long position) throws IOException {
    long remaining = file.sizeBytes() - position;
    if (remaining < HEADER_LENGTH) {
      return Verdict.END;
    }
    file.read(position, buffer, 0, HEADER_LENGTH);
    int frameLength = buffer.getInt(FRAME_LENGTH_OFFSET);
    if (frameLength == 0) {
      return Verdict.END;
    }
    if (frameLength < HEADER_LENGTH || frameLength % ALIGNMENT != 0 || frameLength > remaining) {
      badReason = "implausible frame length " + frameLength;
      return Verdict.BAD;
    }
    int bodyLength = buffer.getInt(BODY_LENGTH_OFFSET);
    if (bodyLength < 0 || WalRecordDescriptor.frameLength(bodyLength) != frameLength) {
      badReason = "body length " + bodyLength + " does not fit frame length " + frameLength;
      return Verdict.BAD;
    }
    ensureCapacity(frameLength);
    file.read(position, buffer, 0, frameLength);
    int expected = checksum(crc, buffer, 0, bodyLength);
    if (expected != buffer.getInt(CRC_OFFSET)) {
      badReason = "checksum mismatch";
      return Verdict.BAD;
    }
    return Verdict.VALID;
  }

  /** Reads a frame written by this process (or verified at open) without re-checking it. */
  void readTrusted(StorageFile file, long position) throws IOException {
    file.read(position, buffer, 0, HEADER_LENGTH);
    int frameLength = buffer.getInt(FRAME_LENGTH_OFFSET);
    ensureCapacity(frameLength);
    file.read(position, buffer, 0, frameLength);
  }

  private void ensureCapacity(int frameLength) {
    if (buffer.capacity() < frameLength) {
      buffer = allocate(Math.max(frameLength, buffer.capacity() * 2));
    }
  }

  /** What lies after a suspected end of data; see {@link #scanAfter}. */
  record TailScan(long nonZeroEnd, long validFrameOffset, int validFrameDurableOffset) {
    boolean anyNonZero(long from) {
      return nonZeroEnd > from;
    }

    boolean foundValidFrame() {
      return validFrameOffset >= 0;
    }
  }

  /**
   * Scans {@code file} from {@code from} (8-aligned, where the chain walk stopped) to its end for
   * self-consistent frames and non-zero bytes. Reports the end of the last non-zero word ({@code
   * from} when all are zero) and, among the valid frames found, the one claiming the highest
   * durable offset (or the first one when {@code durableAbove} is negative, meaning any valid frame
   * counts).
   */
  TailScan scanAfter(StorageFile file, long from, long durableAbove) throws IOException {
    long size = file.sizeBytes();
    long nonZeroEnd = from;
    long bestOffset = -1;
    int bestDurable = -1;
    long q = from;
    while (q < size) {
      q = nextNonZeroWord(file, q, size);
      if (q >= size) {
        break;
      }
      nonZeroEnd = Math.max(nonZeroEnd, Math.min(size, q + ALIGNMENT));
      if (readAt(file, q) == Verdict.VALID) {
        int claimed = durableOffset();
        if (durableAbove < 0 || claimed > durableAbove) {
          if (bestOffset < 0 || claimed > bestDurable) {
            bestOffset = q;
            bestDurable = claimed;
          }
        }
        nonZeroEnd = Math.max(nonZeroEnd, q + frameLength());
        q += frameLength();
      } else {
        q += ALIGNMENT;
      }
    }
    return new TailScan(nonZeroEnd, bestOffset, bestDurable);
  }

  private long nextNonZeroWord(StorageFile file, long from, long size) throws IOException {
    long chunkStart = from;
    while (chunkStart < size) {
      int chunkLength = (int) Math.min(SCAN_CHUNK_BYTES, size - chunkStart);
      file.read(chunkStart, scan, 0, chunkLength);
      int i = 0;
      for (; i + ALIGNMENT <= chunkLength; i += ALIGNMENT) {
        if (scan.getLong(i) != 0) {
          return chunkStart + i;
        }
      }
      for (; i < chunkLength; i++) {
        if (scan.getByte(i) != 0) {
          return chunkStart + (i & ~(ALIGNMENT - 1));
        }
      }
      chunkStart += chunkLength;
    }
    return size;
  }
}
