package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A growable file (a streamed snapshot, the WAL's next segment being zero-filled ahead) written in
 * whole blocks with O_DIRECT: the growable-file side of {@link WritePath#DIRECT_DSYNC}.
 *
 * <h2>Why</h2>
 *
 * <p>Written through the page cache, every byte of a snapshot is first copied there by the writing
 * thread, then written back by the sync. In the 3-member put benchmark that copy alone (the
 * kernel's {@code copy_folio_from_iter_atomic} on the snapshot threads) was 18% of all CPU samples
 * of the machine: snapshots carry the store's whole history, hundreds of megabytes each, and the
 * page cache kept growing into memory the guest had never touched. A direct write hands the device
 * our own buffer, already in cache: no copy, no dirty pages, nothing to write back at the sync.
 *
 * <h2>Design</h2>
 *
 * <p>Every caller writes a growable file front to back, so appends (a write at the current end) are
 * the fast path. They are copied into a block-aligned staging buffer that holds the file's bytes
 * {@code [stagedFrom, stagedFrom + staged)}; {@code stagedFrom} is block-aligned and every byte
 * before it is on the file. When the buffer fills, its whole blocks go out in one positional direct
 * write and the partly filled last block (less than a block) moves to the front.
 *
 * <p>{@link #sync} writes the whole blocks the same way. The partly filled last block cannot be
 * written with O_DIRECT without growing the file past its end, so it goes through the ordinary
 * descriptor (one small buffered write), and one fdatasync on that descriptor then makes all of it
 * durable: the direct writes' data and the file's new size. The staging buffer keeps that block,
 * and the next direct write rewrites it whole from its first byte, with the same bytes in front
 * (the kernel drops the cached page first). A crash during that rewrite can tear only at sector
 * boundaries, and the sectors holding synced bytes are rewritten with identical content, so synced
 * bytes are never damaged: the argument of {@link AlignedWriteBuffer}.
 *
 * <p>Anything else, a write that is not an append or a read of bytes still staged, first writes the
 * staged bytes through the ordinary descriptor and makes the file an ordinary buffered one for
 * good, as {@link ChannelStorageFile}. No caller does that on a hot path, and it keeps the rules
 * few. A file system that refuses O_DIRECT, at the open ({@link MappedFileSystem} then creates a
 * {@link ChannelStorageFile}) or at the file's first direct write, is reported to the {@link
 * MappedStorageFile.DirectRefusal} and the file continues buffered; nothing was lost, since the
 * bytes are still staged. A direct write that fails after one succeeded is an I/O error like any
 * other (fsyncgate: never a fallback).
 *
 * <p>One thread at a time, like every {@link StorageFile}.
 */
final class DirectGrowableFile implements StorageFile {
  /** Bytes staged before whole blocks are written (plus one block of headroom for alignment). */
  static final int STAGING_BYTES = 1 << 20;

  private final Path path;

  /** The ordinary descriptor: reads, the size, buffered writes and the fdatasync. */
  private final ChannelStorageFile plain;

  private final MappedStorageFile.DirectRefusal refusal;
  private final int blockBytes;
  private final ByteBuffer allocated;
  private final ByteBuffer staging;
  private final UnsafeBuffer stagingView;

  /** The O_DIRECT descriptor, or null once the file is written buffered. */
  private FileChannel direct;

  private boolean directWritten;

  /** File position of the staging buffer's first byte; block-aligned. */
  private long stagedFrom;

  /** Staging bytes {@code [0, staged)} are the file's bytes from {@code stagedFrom}. */
  private int staged;

  /** Whether staged bytes were appended since they were last written to the file. */
  private boolean unwritten;

  private boolean closed;

  private DirectGrowableFile(
      Path path,
      FileChannel channel,
      FileChannel direct,
      int blockBytes,
      MappedStorageFile.DirectRefusal refusal) {
    this.path = path;
    this.plain = new ChannelStorageFile(path, channel);
    this.direct = direct;
    this.blockBytes = blockBytes;
    this.refusal = refusal;
    this.allocated = ByteBuffer.allocateDirect(STAGING_BYTES + blockBytes);
    this.staging = allocated.alignedSlice(blockBytes).order(ByteOrder.LITTLE_ENDIAN);
    this.stagingView = new UnsafeBuffer(staging, 0, STAGING_BYTES);
  }

  /**
   * The new, empty file {@code path}, open as {@code channel} (read and write), written directly
   * where the file system allows it, else as a {@link ChannelStorageFile}.
   */
  static StorageFile create(
      Path path,
      FileChannel channel,
      MappedStorageFile.DirectRefusal refusal,
      DirectChannels directChannels) {
    int blockBytes = MappedStorageFile.directBlockBytes(path, 0, refusal);
    FileChannel direct =
        blockBytes > 0 ? MappedStorageFile.openDirect(path, false, refusal, directChannels) : null;
    if (direct == null) {
      return new ChannelStorageFile(path, channel);
    }
    return new DirectGrowableFile(path, channel, direct, blockBytes, refusal);
  }

  /** Whether writes still go directly (false after a fallback; tests). */
  boolean writesDirectly() {
    return direct != null;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public long sizeBytes() {
    return direct != null ? stagedFrom + staged : plain.sizeBytes();
  }

  @Override
  public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
      throws IOException {
    if (direct != null && position == stagedFrom + staged) {
      append(src, srcOffset, lengthBytes);
      return;
    }
    writeBuffered();
    plain.write(position, src, srcOffset, lengthBytes);
  }

  private void append(DirectBuffer src, int srcOffset, int lengthBytes) throws IOException {
    int done = 0;
    while (done < lengthBytes) {
      int n = Math.min(lengthBytes - done, STAGING_BYTES - staged);
      stagingView.putBytes(staged, src, srcOffset + done, n);
      staged += n;
      done += n;
      unwritten = true;
      if (staged == STAGING_BYTES) {
        long end = stagedFrom + staged;
        writeWholeBlocks();
        if (direct == null) {
          // refused at the first direct write: the rest goes through the ordinary descriptor
          write(end, src, srcOffset + done, lengthBytes - done);
          return;
        }
      }
    }
  }

  /** Writes the staged whole blocks directly and keeps the partly filled last block staged. */
  private void writeWholeBlocks() throws IOException {
    int whole = staged & -blockBytes;
    if (whole == 0) {
      return;
    }
    ByteBuffer blocks = staging.duplicate();
    blocks.limit(whole).position(0);
    long at = stagedFrom;
    try {
      while (blocks.hasRemaining()) {
        at += direct.write(blocks, at);
      }
      directWritten = true;
    } catch (IOException e) {
      if (directWritten) {
        throw e;
      }
      // accepted at the open, refused at the first write (EINVAL): the bytes are still staged
      refusal.refused(path, e);
      writeBuffered();
      return;
    }
    int tail = staged - whole;
    if (tail > 0) {
      stagingView.putBytes(0, stagingView, whole, tail);
    }
    stagedFrom += whole;
    staged = tail;
    unwritten = tail > 0;
  }

  /** Writes the staged bytes through the ordinary descriptor and stops writing directly. */
  private void writeBuffered() throws IOException {
    FileChannel d = direct;
    if (d == null) {
      return;
    }
    direct = null;
    try {
      writeStagedBuffered();
    } finally {
      staged = 0;
      unwritten = false;
      d.close();
    }
  }

  private void writeStagedBuffered() throws IOException {
    if (!unwritten || staged == 0) {
      return;
    }
    plain.write(stagedFrom, stagingView, 0, staged);
    unwritten = false;
  }

  @Override
  public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    if (direct != null && position + lengthBytes > stagedFrom) {
      writeBuffered();
    }
    plain.read(position, dst, dstOffset, lengthBytes);
  }

  @Override
  public void sync() throws IOException {
    if (direct != null) {
      writeWholeBlocks();
      if (direct != null) {
        writeStagedBuffered();
      }
    }
    plain.sync();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return; // the staging memory is freed once
    }
    closed = true;
    try (ChannelStorageFile c = plain) {
      if (direct != null) {
        try (FileChannel d = direct) {
          direct = null;
          writeStagedBuffered();
        }
      }
    } finally {
      BufferUtil.free(allocated);
    }
  }
}
