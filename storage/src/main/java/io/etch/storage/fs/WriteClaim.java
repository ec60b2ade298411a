package io.etch.storage.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reusable flyweight for writing a record in place, the way Aeron's {@code BufferClaim} does:
 * {@link StorageFile#claim} points it at {@link #lengthBytes()} bytes of a direct buffer, the
 * caller lays the record out at {@link #buffer()} from {@link #offset()}, and {@link
 * StorageFile#commit} makes those bytes written (readable, not durable) at {@link #position()} of
 * the file.
 *
 * <p>Where the bytes land depends on the file: the production mapped file hands out the next bytes
 * of its write-behind buffer, so the record is encoded exactly once and copied only by the kernel;
 * any other file hands out this claim's own staging buffer and copies it on commit. Either way the
 * buffer is backed by a direct {@link ByteBuffer} ({@code buffer().byteBuffer()} is never null), so
 * checksums can run over it. Between claim and commit no other call may be made on the file. Not
 * thread-safe.
 */
public final class WriteClaim {
  private static final int MIN_STAGING_BYTES = 4096;

  private final UnsafeBuffer staging = new UnsafeBuffer(0, 0);
  private MutableDirectBuffer buffer;
  private int offset;
  private long position;
  private int lengthBytes;
  private StorageFile inPlaceOwner;

  /** The buffer to write the claimed bytes into. */
  public MutableDirectBuffer buffer() {
    return buffer;
  }

  /** Where in {@link #buffer()} the claimed bytes start. */
  public int offset() {
    return offset;
  }

  /** File position the claimed bytes will be written at. */
  public long position() {
    return position;
  }

  /** Number of bytes claimed. */
  public int lengthBytes() {
    return lengthBytes;
  }

  /** Points the claim at the staging buffer (the default for any file): commit copies it. */
  void stage(long position, int lengthBytes) {
    if (staging.capacity() < lengthBytes) {
      int capacity = Math.max(MIN_STAGING_BYTES, Integer.highestOneBit(lengthBytes - 1) << 1);
      staging.wrap(ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN));
    }
    set(staging, 0, position, lengthBytes, null);
  }

  /** Points the claim at bytes of {@code owner}'s own buffer: commit only accounts for them. */
  void inPlace(
      StorageFile owner, MutableDirectBuffer buffer, int offset, long position, int lengthBytes) {
    set(buffer, offset, position, lengthBytes, owner);
  }

  /** Whether the claim was made in place by {@code file}. */
  boolean isInPlaceOf(StorageFile file) {
    return inPlaceOwner == file;
  }

  private void set(
      MutableDirectBuffer buffer, int offset, long position, int lengthBytes, StorageFile owner) {
    this.buffer = buffer;
    this.offset = offset;
    this.position = position;
    this.lengthBytes = lengthBytes;
    this.inPlaceOwner = owner;
  }
}
