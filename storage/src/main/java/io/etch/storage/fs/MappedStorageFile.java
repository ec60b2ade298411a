package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed-size file mapped into memory through chronicle-bytes.
 *
 * <p>Writes and reads are plain memory copies into the shared mapping, addressed through an Agrona
 * {@link UnsafeBuffer} over the mapped region. Durability goes through {@link
 * FileChannel#force(boolean) force(false)} (fdatasync) on the same file rather than through
 * chronicle's {@code MappedBytesStore.syncUpTo}: on Linux the two write back the same dirty pages
 * of a shared mapping (msync(MS_SYNC) is an fsync of the mapped range), but chronicle's msync only
 * logs a failure, while {@code force} throws it, and a lost sync error is exactly the fsyncgate
 * failure this storage must surface. The write-ahead-log benchmark measures both.
 */
final class MappedStorageFile implements StorageFile {
  /** Mapped files are whole pages so that chronicle never resizes them. */
  static final long PAGE_BYTES = 4096;

  private final Path path;
  private final MappedFile mappedFile;
  private final ReferenceOwner owner;
  private final MappedBytesStore store;
  private final FileChannel channel;
  private final UnsafeBuffer memory;
  private final long sizeBytes;
  private final WritePath writePath;
  private ByteBuffer pending;
  private final UnsafeBuffer pendingView = new UnsafeBuffer(0, 0);
  private long pendingStart = -1;

  /** Where buffered writes go: the mapping's channel, or one opened with O_DSYNC. */
  private final FileChannel writeChannel;

  /**
   * Whether bytes may be dirty that did not go through {@link #writeChannel} as O_DSYNC writes (the
   * zero-fill before the file was opened, writes into the mapping): then a sync must force.
   */
  private boolean forceNeeded = true;

  /** A failed flush of buffered writes: those bytes are gone, so every later write must fail. */
  private IOException writeFailure;

  private boolean closed;

  private static final int PENDING_BYTES = 1 << 20;

  private MappedStorageFile(
      Path path,
      MappedFile mappedFile,
      ReferenceOwner owner,
      MappedBytesStore store,
      long sizeBytes,
      WritePath writePath,
      FileChannel dsyncChannel) {
    this.path = path;
    this.mappedFile = mappedFile;
    this.owner = owner;
    this.store = store;
    this.channel = mappedFile.raf().getChannel();
    this.sizeBytes = sizeBytes;
    this.writePath = writePath;
    this.writeChannel = dsyncChannel != null ? dsyncChannel : channel;
    this.memory = new UnsafeBuffer(store.addressForWrite(0), Math.toIntExact(sizeBytes));
  }

  static MappedStorageFile open(Path path, WritePath writePath) throws IOException {
    long sizeBytes = java.nio.file.Files.size(path);
    if (sizeBytes <= 0 || sizeBytes > Integer.MAX_VALUE) {
      throw new IOException(
          path
              + ": a mapped file must hold 1 to "
              + Integer.MAX_VALUE
              + " bytes, not "
              + sizeBytes);
    }
    MappedFile mappedFile = MappedFile.ofSingle(path.toFile(), sizeBytes, false);
    ReferenceOwner owner = ReferenceOwner.temporary("etch-storage-file");
    FileChannel dsyncChannel = null;
    try {
      if (writePath == WritePath.BUFFERED_DSYNC) {
        dsyncChannel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
      }
      MappedBytesStore store = mappedFile.acquireByteStore(owner, 0);
      return new MappedStorageFile(
          path, mappedFile, owner, store, sizeBytes, writePath, dsyncChannel);
    } catch (IOException | RuntimeException e) {
      if (dsyncChannel != null) {
        dsyncChannel.close();
      }
      mappedFile.releaseLast();
      throw e;
    }
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
      throws IOException {
    checkRange(position, lengthBytes);
    checkNoWriteFailure();
    if (writePath == WritePath.MAPPED_MEMORY) {
      memory.putBytes((int) position, src, srcOffset, lengthBytes);
      forceNeeded = true;
      return;
    }
    makeRoomInPending(position, lengthBytes);
    if (lengthBytes > pending.capacity()) {
      ByteBuffer copy = ByteBuffer.allocateDirect(lengthBytes);
      src.getBytes(srcOffset, copy, 0, lengthBytes);
      writeFully(copy, position);
      return;
    }
    if (pendingStart < 0) {
      pendingStart = position;
    }
    src.getBytes(srcOffset, pending, pending.position(), lengthBytes);
    pending.position(pending.position() + lengthBytes);
  }

  /**
   * Hands out the next bytes of the write-behind buffer, so the caller encodes its record where it
   * will be written from (no staging copy); the mapped write path and records larger than the
   * buffer are staged as by default.
   */
  @Override
  public void claim(long position, int lengthBytes, WriteClaim claim) throws IOException {
    checkRange(position, lengthBytes);
    checkNoWriteFailure();
    if (writePath == WritePath.MAPPED_MEMORY || lengthBytes > PENDING_BYTES) {
      claim.stage(position, lengthBytes);
      return;
    }
    makeRoomInPending(position, lengthBytes);
    claim.inPlace(this, pendingView, pending.position(), position, lengthBytes);
  }

  @Override
  public void commit(WriteClaim claim) throws IOException {
    if (!claim.isInPlaceOf(this)) {
      write(claim.position(), claim.buffer(), claim.offset(), claim.lengthBytes());
      return;
    }
    if (claim.offset() != pending.position()
        || (pendingStart >= 0 && claim.position() != pendingStart + pending.position())) {
      throw new IllegalStateException(
          path + ": commit of a claim at " + claim.position() + " after other writes to the file");
    }
    if (pendingStart < 0) {
      pendingStart = claim.position();
    }
    pending.position(pending.position() + claim.lengthBytes());
  }

  /** Flushes the write-behind buffer unless {@code lengthBytes} at {@code position} extend it. */
  private void makeRoomInPending(long position, int lengthBytes) throws IOException {
    if (pending == null) {
      pending = ByteBuffer.allocateDirect(PENDING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      pendingView.wrap(pending);
    }
    if (pendingStart >= 0
        && (position != pendingStart + pending.position() || pending.remaining() < lengthBytes)) {
      flush();
    }
  }

  private void flush() throws IOException {
    if (pendingStart >= 0) {
      pending.flip();
      long start = pendingStart;
      pendingStart = -1;
      try {
        writeFully(pending, start);
      } catch (IOException e) {
        writeFailure = e;
        throw e;
      } finally {
        pending.clear();
      }
    }
  }

  private void checkNoWriteFailure() throws IOException {
    if (writeFailure != null) {
      throw new IOException(
          path + ": an earlier write-back failed; writes are refused", writeFailure);
    }
  }

  private void writeFully(ByteBuffer bytes, long position) throws IOException {
    long at = position;
    while (bytes.hasRemaining()) {
      at += writeChannel.write(bytes, at);
    }
  }

  @Override
  public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    checkRange(position, lengthBytes);
    if (pendingStart >= 0
        && position < pendingStart + pending.position()
        && position + lengthBytes > pendingStart) {
      if (position >= pendingStart && position + lengthBytes <= pendingStart + pending.position()) {
        // entirely buffered (a leader reading what it just appended): serve it from the buffer
        dst.putBytes(dstOffset, pending, (int) (position - pendingStart), lengthBytes);
        return;
      }
      flush();
    }
    dst.putBytes(dstOffset, memory, (int) position, lengthBytes);
  }

  private void checkRange(long position, int lengthBytes) {
    if (closed) {
      throw new IllegalStateException(path + " is closed");
    }
    if (position < 0 || lengthBytes < 0 || position + lengthBytes > sizeBytes) {
      throw new IndexOutOfBoundsException(
          path + ": access of " + lengthBytes + " bytes at " + position + " outside " + sizeBytes);
    }
  }

  @Override
  public void sync() throws IOException {
    checkNoWriteFailure();
    flush();
    if (writeChannel == channel || forceNeeded) {
      channel.force(false);
      forceNeeded = false;
    }
  }

  /** Hands buffered writes to the kernel (not durable) and unmaps the file. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
        flush();
      } finally {
        store.release(owner);
        mappedFile.releaseLast();
        if (writeChannel != channel) {
          writeChannel.close();
        }
      }
    }
  }
}
