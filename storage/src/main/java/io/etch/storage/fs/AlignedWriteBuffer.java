package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The write-behind buffer of a file written in whole blocks (O_DIRECT): a block-aligned direct
 * buffer that mirrors a block-aligned range of the file and writes back only whole blocks at
 * block-aligned positions.
 *
 * <h2>Design</h2>
 *
 * <p>The buffer holds the file's current content for {@code [start, start + filled)}, where {@code
 * start} is a multiple of the block size. Writes (and in-place claims) land in it when they start
 * inside or at the end of that range; anything else first writes the buffer back and starts a new
 * range at the block holding the new position, filling the block's head from the file. A write-back
 * ({@link #flush}) covers the modified bytes rounded out to whole blocks: the partly filled last
 * block is completed with the file's bytes after it (known zeros past {@code zerosFrom}, otherwise
 * read from the file) and written whole, and it <em>stays</em> in the buffer, so the next
 * write-back rewrites it from its first byte with the new bytes appended. When the buffer is full,
 * only the block holding the next position is kept (moved to the front); a sync's write-back does
 * that early, once less than a quarter of the buffer is free, so that a batch normally fits without
 * a write-back before its sync.
 *
 * <p><b>Why rewriting a block never damages what was synced before.</b> The blocks rewritten by a
 * write-back hold, before the first modified byte, exactly the bytes the previous write-back put on
 * the disk (they come from this mirror, which is the file's content). A device writes 512-byte
 * sectors atomically, so a crash in the middle of the rewrite leaves each sector either old or new;
 * for the sectors holding only already-synced bytes old and new are identical. Only sectors that
 * hold new (unsynced) bytes can tear, which the log's recovery treats as a torn tail.
 *
 * <p>Reads of a range inside the mirror are served from it (a leader reading what it just appended:
 * after a direct write the kernel drops its cached pages and a read of the file goes to the disk).
 * Not thread-safe; one per file.
 */
final class AlignedWriteBuffer {
  /** Block I/O of the file under the buffer. */
  interface BlockIo {
    /**
     * Writes the remaining bytes of {@code blocks} (whole blocks) at the aligned {@code position};
     * {@code barrier}: a sync's write-back (it may be the durability barrier itself), as opposed to
     * one that makes room or serves a read (a sync will follow it).
     */
    void writeBlocks(ByteBuffer blocks, long position, boolean barrier) throws IOException;

    /**
     * Copies the file's current bytes {@code [position, position + lengthBytes)} to {@code dst}.
     */
    void readFile(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
        throws IOException;
  }

  /**
   * A sync's write-back that leaves less than 1/this of the buffer free also moves the last block
   * to the front (a copy of one block, no I/O: everything is written). Appends then find room
   * without a write-back of their own in the middle of a batch, which would be a second write per
   * sync and, not being the barrier, would make the next sync force as well.
   */
  static final int COMPACT_WHEN_FREE_BELOW = 4;

  private final BlockIo io;
  private final int blockBytes;
  private final ByteBuffer buffer;
  private final UnsafeBuffer view;
  private final int capacity;

  /** File position of the buffer's first byte (block-aligned), or -1 while the buffer is empty. */
  private long start = -1;

  /** The buffer's bytes {@code [0, filled)} are the file's current content. */
  private int filled;

  /** Buffer range modified since the last write-back (empty when {@code dirtyFrom >= dirtyTo}). */
  private int dirtyFrom = Integer.MAX_VALUE;

  private int dirtyTo;

  /** Every byte of the file from here on is known to be zero. */
  private long zerosFrom;

  /** Buffer offset and file position of the claim handed out last, or -1. */
  private int claimedOffset = -1;

  private long claimedPosition = -1;

  /**
   * A buffer of at least {@code minBytes} plus one block for a file of {@code fileSizeBytes} (a
   * whole number of blocks) whose bytes from {@code zerosFrom} on are known to be zero ({@code 0}
   * for a freshly zero-filled file, {@code fileSizeBytes} when nothing is known).
   */
  AlignedWriteBuffer(BlockIo io, int blockBytes, long fileSizeBytes, long zerosFrom, int minBytes) {
    if (blockBytes <= 0 || Integer.bitCount(blockBytes) != 1) {
      throw new IllegalArgumentException("block size " + blockBytes + " is not a power of two");
    }
    if (fileSizeBytes % blockBytes != 0) {
      throw new IllegalArgumentException(
          "file size "
              + fileSizeBytes
              + " is not a whole number of "
              + blockBytes
              + "-byte blocks");
    }
    this.io = io;
    this.blockBytes = blockBytes;
    this.zerosFrom = zerosFrom;
    this.capacity = (int) roundUp(minBytes) + blockBytes;
    this.buffer =
        ByteBuffer.allocateDirect(capacity + blockBytes)
            .alignedSlice(blockBytes)
            .order(ByteOrder.LITTLE_ENDIAN);
    this.view = new UnsafeBuffer(buffer, 0, capacity);
  }

  /** The largest write that can be claimed in place (larger writes are written in pieces). */
  int maxClaimBytes() {
    return capacity - blockBytes;
  }

  /** Copies {@code lengthBytes} of {@code src} into the file image at {@code position}. */
  void write(long position, DirectBuffer src, int srcOffset, int lengthBytes) throws IOException {
    claimedOffset = -1;
    long at = position;
    int done = 0;
    while (done < lengthBytes) {
      int chunk = Math.min(lengthBytes - done, maxClaimBytes());
      int offset = reserve(at, chunk);
      view.putBytes(offset, src, srcOffset + done, chunk);
      modified(offset, chunk);
      at += chunk;
      done += chunk;
    }
  }

  /** Points {@code claim} at the buffer bytes for {@code position} ({@link #maxClaimBytes} max). */
  void claim(StorageFile owner, long position, int lengthBytes, WriteClaim claim)
      throws IOException {
    int offset = reserve(position, lengthBytes);
    claimedOffset = offset;
    claimedPosition = position;
    claim.inPlace(owner, view, offset, position, lengthBytes);
  }

  /** Accounts for the bytes of the last {@link #claim}; refuses it after any other call. */
  void commit(WriteClaim claim) {
    if (claimedOffset < 0
        || claim.offset() != claimedOffset
        || claim.position() != claimedPosition) {
      throw new IllegalStateException(
          "commit of a claim at " + claim.position() + " after other writes to the file");
    }
    claimedOffset = -1;
    modified(claim.offset(), claim.lengthBytes());
  }

  /**
   * Serves a read from the buffer when it lies inside the mirrored range and returns true;
   * otherwise writes back modified bytes it overlaps and returns false (the caller reads the file).
   */
  boolean read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    if (start < 0) {
      return false;
    }
    if (position >= start && position + lengthBytes <= start + filled) {
      dst.putBytes(dstOffset, view, (int) (position - start), lengthBytes);
      return true;
    }
    if (dirtyFrom < dirtyTo
        && position < start + dirtyTo
        && position + lengthBytes > start + dirtyFrom) {
      flush(false);
    }
    return false;
  }

  /**
   * Writes the modified bytes back as whole blocks; the mirror (and its last block) stays. {@code
   * barrier}: the write-back of a sync (see {@link BlockIo#writeBlocks}).
   */
  void flush(boolean barrier) throws IOException {
    claimedOffset = -1;
    if (dirtyFrom >= dirtyTo) {
      return;
    }
    int from = (int) roundDown(dirtyFrom);
    int to = (int) roundUp(dirtyTo);
    if (filled < to) {
      fillFromFile(filled, to);
      filled = to;
    }
    long end = start + dirtyTo;
    dirtyFrom = Integer.MAX_VALUE;
    dirtyTo = 0;
    ByteBuffer blocks = buffer.duplicate();
    blocks.limit(to).position(from);
    io.writeBlocks(blocks, start + from, barrier);
    zerosFrom = Math.max(zerosFrom, end);
    if (barrier && filled > capacity - capacity / COMPACT_WHEN_FREE_BELOW) {
      keepBlockOf(end);
    }
  }

  /** Returns the buffer offset for {@code lengthBytes} at {@code position}, making room first. */
  private int reserve(long position, int lengthBytes) throws IOException {
    if (lengthBytes > maxClaimBytes()) {
      throw new IllegalArgumentException(
          lengthBytes + " bytes exceed the buffer's " + maxClaimBytes() + " in one piece");
    }
    if (start >= 0) {
      if (position < start || position > start + filled) {
        flush(false);
        start = -1;
      } else if (position - start + lengthBytes > capacity) {
        flush(false);
        keepBlockOf(position);
      }
    }
    if (start < 0) {
      start = roundDown(position);
      filled = 0;
      int head = (int) (position - start);
      fillFromFile(0, head);
      filled = head;
    }
    return (int) (position - start);
  }

  /** After a write-back: moves the mirrored bytes from the block holding {@code position} to 0. */
  private void keepBlockOf(long position) {
    long newStart = roundDown(position);
    int from = (int) (newStart - start);
    int keep = filled - from;
    ByteBuffer kept = buffer.duplicate();
    kept.limit(filled).position(from);
    kept.compact();
    start = newStart;
    filled = keep;
  }

  private void modified(int offset, int lengthBytes) {
    dirtyFrom = Math.min(dirtyFrom, offset);
    dirtyTo = Math.max(dirtyTo, offset + lengthBytes);
    filled = Math.max(filled, offset + lengthBytes);
  }

  /** Fills buffer {@code [from, to)} with the file's current bytes (zeros known without a read). */
  private void fillFromFile(int from, int to) throws IOException {
    if (to <= from) {
      return;
    }
    long zeroAt = Math.max(start + from, Math.min(start + to, zerosFrom));
    int known = (int) (zeroAt - start);
    if (known > from) {
      io.readFile(start + from, view, from, known - from);
    }
    view.setMemory(known, to - known, (byte) 0);
  }

  private long roundDown(long position) {
    return position & -blockBytes;
  }

  private long roundUp(long position) {
    return (position + blockBytes - 1) & -blockBytes;
  }
}
