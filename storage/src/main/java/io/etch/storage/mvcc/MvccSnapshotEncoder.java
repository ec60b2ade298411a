package io.etch.storage.mvcc;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes a snapshot stream through one chunk: fields are put at absolute offsets into a {@link
 * #CHUNK_BYTES} array ({@link #claim} then {@link #buffer()}), and a full chunk is checksummed
 * (CRC32C, one call) and handed to the stream in one write. So a version costs a bounds check, five
 * long and one int stores and one array copy of its value; no stream call per field, no object per
 * version, no small checksum updates.
 *
 * <p>Byte arrays longer than a chunk bypass it (checksummed and written as they are). The checksum
 * covers every byte given to the stream before {@link #finish} writes it. One thread, one stream.
 */
final class MvccSnapshotEncoder {
  /** Bytes written to the stream per call (except byte arrays longer than this). */
  static final int CHUNK_BYTES = 256 << 10;

  private final OutputStream out;
  private final byte[] chunk = new byte[CHUNK_BYTES];
  private final UnsafeBuffer buffer = new UnsafeBuffer(chunk);
  private final CRC32C crc = new CRC32C();
  private int used;

  MvccSnapshotEncoder(OutputStream out) {
    this.out = out;
  }

  /** The chunk; write the bytes {@link #claim} reserved at the offset it returned. */
  MutableDirectBuffer buffer() {
    return buffer;
  }

  /**
   * Reserves {@code lengthBytes} (at most {@link #CHUNK_BYTES}) contiguous bytes in the chunk,
   * flushing it first when they do not fit, and returns their offset.
   */
  int claim(int lengthBytes) throws IOException {
    if (used + lengthBytes > CHUNK_BYTES) {
      if (lengthBytes > CHUNK_BYTES) {
        throw new IllegalArgumentException(
            "claim of " + lengthBytes + " bytes exceeds the chunk of " + CHUNK_BYTES);
      }
      flush();
    }
    int at = used;
    used += lengthBytes;
    return at;
  }

  void putInt(int value) throws IOException {
    buffer.putInt(claim(Integer.BYTES), value, MvccSnapshotDescriptor.BYTE_ORDER);
  }

  void putLong(long value) throws IOException {
    buffer.putLong(claim(Long.BYTES), value, MvccSnapshotDescriptor.BYTE_ORDER);
  }

  /** Appends {@code bytes}: copied into the chunk, or written as they are if longer than it. */
  void putBytes(byte[] bytes) throws IOException {
    putBytes(bytes, 0, bytes.length);
  }

  /**
   * Appends {@code n} bytes of {@code bytes} from {@code from} (a value's range in a slab, or all
   * of an array): copied into the chunk, or written as they are if longer than it.
   */
  void putBytes(byte[] bytes, int from, int n) throws IOException {
    if (n <= CHUNK_BYTES - used) {
      System.arraycopy(bytes, from, chunk, used, n);
      used += n;
      return;
    }
    flush();
    if (n <= CHUNK_BYTES) {
      System.arraycopy(bytes, from, chunk, 0, n);
      used = n;
    } else {
      crc.update(bytes, from, n);
      out.write(bytes, from, n);
    }
  }

  /** Flushes the chunk, then appends the CRC32C of everything written before it and flushes. */
  void finish() throws IOException {
    flush();
    buffer.putInt(0, (int) crc.getValue(), MvccSnapshotDescriptor.BYTE_ORDER);
    out.write(chunk, 0, Integer.BYTES);
    out.flush();
  }

  private void flush() throws IOException {
    if (used > 0) {
      crc.update(chunk, 0, used);
      out.write(chunk, 0, used);
      used = 0;
    }
  }
}
