package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@link DirectChannels} of a file system that refuses O_DIRECT the ways real ones do, for the
 * fallback tests. The channels it hands out are ordinary (buffered) ones, so the tests behave the
 * same on any file system; what they script is where O_DIRECT is refused:
 *
 * <ul>
 *   <li>{@link Mode#OPEN_FAILS}: the open fails with the JDK's {@code FileSystemException ("Invalid
 *       argument")}, as {@code open(2)} with O_DIRECT does on tmpfs before Linux 6.6;
 *   <li>{@link Mode#OPEN_UNSUPPORTED}: the open throws {@link UnsupportedOperationException}, as
 *       the JDK does where it cannot set up direct I/O;
 *   <li>{@link Mode#FIRST_WRITE_FAILS}: the open succeeds but every channel's first write fails
 *       with EINVAL (file systems that accept the flag and refuse the I/O);
 *   <li>{@link Mode#DSYNC_WRITE_FAILS_LATER}: everything works until the O_DSYNC channel of a file
 *       has written {@code failAfterWrites} times, then each of its writes fails with EIO: a device
 *       error after direct writes succeeded, which must be fatal, not a fallback;
 *   <li>{@link Mode#PLAIN_WRITE_FAILS_LATER}: the same for the channels opened without O_DSYNC (the
 *       ones growable files write through);
 *   <li>{@link Mode#WORKS}: nothing is refused; the channels only count and check writes.
 * </ul>
 *
 * <p>Every write is checked against what O_DIRECT demands: a block-aligned position, length and
 * memory address ({@link #misalignedWrites} counts the ones that are not).
 */
final class RefusingDirectChannels implements DirectChannels {
  enum Mode {
    OPEN_FAILS,
    OPEN_UNSUPPORTED,
    FIRST_WRITE_FAILS,
    DSYNC_WRITE_FAILS_LATER,
    PLAIN_WRITE_FAILS_LATER,
    WORKS
  }

  /** The alignment O_DIRECT demands of the writes (ext4's usual block size). */
  static final int BLOCK_BYTES = 4096;

  private final Mode mode;
  private final int failAfterWrites;
  int opens;
  int successfulWrites;
  int failedWrites;
  int misalignedWrites;
  long bytesWritten;

  RefusingDirectChannels(Mode mode, int failAfterWrites) {
    this.mode = mode;
    this.failAfterWrites = failAfterWrites;
  }

  @Override
  public synchronized FileChannel open(Path path, boolean dsync) throws IOException {
    opens++;
    switch (mode) {
      case OPEN_FAILS -> throw new FileSystemException(path.toString(), null, "Invalid argument");
      case OPEN_UNSUPPORTED -> throw new UnsupportedOperationException("O_DIRECT not supported");
      default -> {}
    }
    FileChannel real =
        dsync
            ? FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)
            : FileChannel.open(path, StandardOpenOption.WRITE);
    int failFrom =
        switch (mode) {
          case FIRST_WRITE_FAILS -> 0;
          case DSYNC_WRITE_FAILS_LATER -> dsync ? failAfterWrites : Integer.MAX_VALUE;
          case PLAIN_WRITE_FAILS_LATER -> dsync ? Integer.MAX_VALUE : failAfterWrites;
          default -> Integer.MAX_VALUE;
        };
    return new Scripted(
        real, failFrom, mode == Mode.FIRST_WRITE_FAILS ? "Invalid argument" : "EIO");
  }

  private synchronized void counted(boolean ok, int bytes) {
    if (ok) {
      successfulWrites++;
      bytesWritten += bytes;
    } else {
      failedWrites++;
    }
  }

  private synchronized void checkAligned(ByteBuffer src, long position) {
    long address = src.isDirect() ? org.agrona.BufferUtil.address(src) + src.position() : 1;
    if (position % BLOCK_BYTES != 0
        || src.remaining() % BLOCK_BYTES != 0
        || address % BLOCK_BYTES != 0) {
      misalignedWrites++;
    }
  }

  /** A channel whose positional writes fail from the {@code failFrom}-th on. */
  private final class Scripted extends FileChannel {
    private final FileChannel real;
    private final int failFrom;
    private final String error;
    private int writes;

    Scripted(FileChannel real, int failFrom, String error) {
      this.real = real;
      this.failFrom = failFrom;
      this.error = error;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      checkAligned(src, position);
      if (writes++ >= failFrom) {
        counted(false, 0);
        throw new IOException(error);
      }
      int n = real.write(src, position);
      counted(true, n);
      return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new IOException("only positional writes are scripted");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      throw new IOException("only positional writes are scripted");
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
