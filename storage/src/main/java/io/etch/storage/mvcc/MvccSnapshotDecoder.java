package io.etch.storage.mvcc;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a snapshot stream through one chunk: the stream is read in large reads into a {@link
 * #CHUNK_BYTES} array and fields are read at absolute offsets ({@link #take} then {@link
 * #buffer()}). The checksum (CRC32C) is updated once per chunk, over the bytes consumed, when the
 * chunk is refilled or {@link #checksum} is asked: so it covers exactly the bytes taken, even
 * though the chunk may hold bytes read past them.
 *
 * <p>The end of the stream before the bytes asked for is a {@link SnapshotCorruptException}
 * ("truncated stream"). Byte arrays longer than a chunk are read straight into the array. One
 * thread, one stream; may read past the end of the snapshot (as a buffered stream would).
 */
final class MvccSnapshotDecoder {
  /** Bytes asked of the stream per read. */
  static final int CHUNK_BYTES = 256 << 10;

  private final InputStream in;
  private final byte[] chunk = new byte[CHUNK_BYTES];
  private final UnsafeBuffer buffer = new UnsafeBuffer(chunk);
  private final CRC32C crc = new CRC32C();

  /** Next byte to take. */
  private int position;

  /** End of the bytes read into the chunk. */
  private int limit;

  /** Start of the bytes taken but not yet checksummed. */
  private int checksummedTo;

  MvccSnapshotDecoder(InputStream in) {
    this.in = in;
  }

  /** The chunk; read the bytes {@link #take} returned the offset of (until the next take). */
  DirectBuffer buffer() {
    return buffer;
  }

  /**
   * Takes the next {@code lengthBytes} (at most {@link #CHUNK_BYTES}) bytes, reading more of the
   * stream when the chunk holds fewer, and returns their offset in {@link #buffer()}.
   *
   * @throws SnapshotCorruptException if the stream ends first
   */
  int take(int lengthBytes) throws IOException {
    if (limit - position < lengthBytes) {
      refill(lengthBytes);
    }
    int at = position;
    position += lengthBytes;
    return at;
  }

  int takeInt() throws IOException {
    return buffer.getInt(take(Integer.BYTES), MvccSnapshotDescriptor.BYTE_ORDER);
  }

  long takeLong() throws IOException {
    return buffer.getLong(take(Long.BYTES), MvccSnapshotDescriptor.BYTE_ORDER);
  }

  /**
   * Takes the next {@code lengthBytes} (at most {@link #CHUNK_BYTES}) bytes into {@code dst} at
   * {@code at} (a range reserved in a value slab).
   */
  void takeInto(byte[] dst, int at, int lengthBytes) throws IOException {
    System.arraycopy(chunk, take(lengthBytes), dst, at, lengthBytes);
  }

  /** Takes the next {@code lengthBytes} bytes into a new array. */
  byte[] takeBytes(int lengthBytes) throws IOException {
    byte[] bytes = new byte[lengthBytes];
    if (lengthBytes <= CHUNK_BYTES) {
      System.arraycopy(chunk, take(lengthBytes), bytes, 0, lengthBytes);
      return bytes;
    }
    int buffered = limit - position;
    System.arraycopy(chunk, position, bytes, 0, buffered);
    position = limit;
    checksumTaken();
    position = 0;
    limit = 0;
    checksummedTo = 0;
    int rest = lengthBytes - buffered;
    if (in.readNBytes(bytes, buffered, rest) != rest) {
      throw new SnapshotCorruptException("truncated stream");
    }
    crc.update(bytes, buffered, rest);
    return bytes;
  }

  /** The CRC32C of every byte taken so far. */
  int checksum() {
    checksumTaken();
    return (int) crc.getValue();
  }

  private void checksumTaken() {
    crc.update(chunk, checksummedTo, position - checksummedTo);
    checksummedTo = position;
  }

  private void refill(int lengthBytes) throws IOException {
    if (lengthBytes > CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "take of " + lengthBytes + " bytes exceeds the chunk of " + CHUNK_BYTES);
    }
    checksumTaken();
    int buffered = limit - position;
    System.arraycopy(chunk, position, chunk, 0, buffered);
    position = 0;
    checksummedTo = 0;
    limit = buffered;
    while (limit < lengthBytes) {
      int n = in.read(chunk, limit, CHUNK_BYTES - limit);
      if (n < 0) {
        throw new SnapshotCorruptException("truncated stream");
      }
      limit += n;
    }
  }
}
