package io.etch.storage.snap;

import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Streams a snapshot's payload, checksumming as it goes; reaching the end of the payload checks the
 * trailer and throws {@link SnapshotCorruptionException} instead of returning -1 when the checksum
 * does not match. Closing it closes the file.
 */
final class SnapshotInputStream extends InputStream {
  /** Bytes per file read: large, as {@link SnapshotOutputStream}'s writes. */
  private static final int BUFFER_BYTES = 1 << 20;

  private final StorageFile file;
  private final CRC32C crc;
  private final long payloadLength;
  private final int expectedCrc;
  private final UnsafeBuffer buffer =
      new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN));
  private long position;
  private int bufferStart;
  private int bufferEnd;
  private boolean verified;

  SnapshotInputStream(StorageFile file, CRC32C crc, long payloadLength, int expectedCrc) {
    this.file = file;
    this.crc = crc;
    this.payloadLength = payloadLength;
    this.expectedCrc = expectedCrc;
  }

  private boolean fill() throws IOException {
    if (bufferStart < bufferEnd) {
      return true;
    }
    long remaining = payloadLength - position;
    if (remaining == 0) {
      if (!verified) {
        verified = true;
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        length.putLong(payloadLength).flip();
        crc.update(length);
        if ((int) crc.getValue() != expectedCrc) {
          throw new SnapshotCorruptionException(file.path(), "checksum mismatch");
        }
      }
      return false;
    }
    int n = (int) Math.min(BUFFER_BYTES, remaining);
    file.read(SnapshotDescriptor.HEADER_LENGTH + position, buffer, 0, n);
    ByteBuffer view = buffer.byteBuffer().duplicate();
    view.limit(n).position(0);
    crc.update(view);
    position += n;
    bufferStart = 0;
    bufferEnd = n;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buffer.getByte(bufferStart++) & 0xFF;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(length, bufferEnd - bufferStart);
    buffer.getBytes(bufferStart, bytes, offset, n);
    bufferStart += n;
    return n;
  }

  /** Skips without copying (the skipped bytes are still checksummed). */
  @Override
  public long skip(long n) throws IOException {
    long done = 0;
    while (done < n && fill()) {
      int k = (int) Math.min(n - done, bufferEnd - bufferStart);
      bufferStart += k;
      done += k;
    }
    return done;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
