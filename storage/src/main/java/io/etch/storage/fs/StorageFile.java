package io.etch.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One open file of a {@link StorageFileSystem}: positional reads and writes plus an explicit
 * durability barrier.
 *
 * <p>Contract shared by every implementation (the fault-injecting one in the test jar enforces it
 * literally): a {@link #write} is visible to later reads at once but is <em>not durable</em>; only
 * {@link #sync()} makes every byte written before it survive a power loss. A sync that throws may
 * have lost those bytes for good (as Linux does after a failed fsync, the lesson of PostgreSQL's
 * "fsyncgate"): callers must treat it as fatal and never retry.
 *
 * <p>A file is used by one thread at a time; instances are not thread-safe.
 */
public interface StorageFile extends AutoCloseable {
  /** The path the file was opened or created under (it may since have been renamed). */
  Path path();

  /** Current size of the file in bytes. */
  long sizeBytes();

  /**
   * Copies {@code lengthBytes} bytes of {@code src} starting at {@code srcOffset} into the file at
   * {@code position}. Fixed-size files reject writes past their end; growable files extend.
   */
  void write(long position, DirectBuffer src, int srcOffset, int lengthBytes) throws IOException;

  /**
   * Points {@code claim} at {@code lengthBytes} bytes to be filled in place and written at {@code
   * position} by {@link #commit}: the same as a {@link #write} of those bytes, without the caller
   * staging them first. The default stages them in the claim's own buffer.
   */
  default void claim(long position, int lengthBytes, WriteClaim claim) throws IOException {
    claim.stage(position, lengthBytes);
  }

  /**
   * Writes the bytes of the last {@link #claim} (visible at once, not durable), exactly as {@link
   * #write} would. No other call may come between a claim and its commit.
   */
  default void commit(WriteClaim claim) throws IOException {
    write(claim.position(), claim.buffer(), claim.offset(), claim.lengthBytes());
  }

  /** Copies {@code lengthBytes} bytes at {@code position} into {@code dst} at {@code dstOffset}. */
  void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException;

  /** Makes every byte written before this call durable (fdatasync semantics). */
  void sync() throws IOException;

  /** Releases the file; unsynced writes stay in the page cache but are not made durable. */
  @Override
  void close() throws IOException;
}
