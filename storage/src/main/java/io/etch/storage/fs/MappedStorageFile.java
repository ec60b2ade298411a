package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
 *
 * <p>Writes go the file's {@link WritePath}: into the mapping, or into a write-behind buffer handed
 * to the kernel by a sync (a plain or O_DSYNC channel), or, on {@link WritePath#DIRECT_DSYNC}, into
 * an {@link AlignedWriteBuffer} written in whole blocks through an O_DIRECT | O_DSYNC channel.
 * Reads always come from the mapping unless the bytes are still in (or mirrored by) a buffer.
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

  /**
   * {@link WritePath#DIRECT_DSYNC}: the block-aligned write-behind buffer, or null on the other
   * paths (and when the file system refused O_DIRECT at open).
   */
  private final AlignedWriteBuffer aligned;

  /** The O_DIRECT | O_DSYNC channel; null when the first direct write failed (buffered since). */
  private FileChannel directChannel;

  /**
   * An O_DIRECT channel without O_DSYNC, for write-backs that are not a sync's (the buffer is full,
   * a read or a write elsewhere): no barrier each; the next sync forces once instead.
   */
  private FileChannel directPlainChannel;

  private boolean directWritten;
  private final DirectRefusal refusal;

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
      FileChannel dsyncChannel,
      FileChannel directPlainChannel,
      int directBlockBytes,
      boolean zeroFilled,
      DirectRefusal refusal) {
    this.path = path;
    this.mappedFile = mappedFile;
    this.owner = owner;
    this.store = store;
    this.channel = mappedFile.raf().getChannel();
    this.sizeBytes = sizeBytes;
    this.writePath = writePath;
    this.writeChannel = writePath == WritePath.BUFFERED_DSYNC ? dsyncChannel : channel;
    this.memory = new UnsafeBuffer(store.addressForWrite(0), Math.toIntExact(sizeBytes));
    this.refusal = refusal;
    if (writePath == WritePath.DIRECT_DSYNC) {
      this.directChannel = dsyncChannel;
      this.directPlainChannel = directPlainChannel;
      this.aligned =
          new AlignedWriteBuffer(
              new DirectBlockIo(),
              directBlockBytes,
              sizeBytes,
              zeroFilled ? 0 : sizeBytes,
              PENDING_BYTES);
    } else {
      this.aligned = null;
    }
  }

  /** Where a file system that refuses O_DIRECT is reported (and remembered). */
  interface DirectRefusal {
    /** Whether O_DIRECT should be tried for {@code file}. */
    boolean allowed(Path file);

    /** {@code file}'s file system refused O_DIRECT with {@code why}; buffered writes follow. */
    void refused(Path file, Exception why);
  }

  /**
   * Opens {@code path} mapped, written through {@code writePath}; {@code zeroFilled} says the file
   * holds only zeros (just created), which the direct path uses to complete blocks without reads.
   */
  static MappedStorageFile open(
      Path path,
      WritePath writePath,
      boolean zeroFilled,
      DirectRefusal refusal,
      DirectChannels directChannels)
      throws IOException {
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
    FileChannel plainChannel = null;
    WritePath effectivePath = writePath;
    int blockBytes = 0;
    try {
      if (writePath == WritePath.BUFFERED_DSYNC) {
        dsyncChannel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
      } else if (writePath == WritePath.DIRECT_DSYNC) {
        blockBytes = directBlockBytes(path, sizeBytes, refusal);
        dsyncChannel = blockBytes > 0 ? openDirect(path, true, refusal, directChannels) : null;
        plainChannel =
            dsyncChannel != null ? openDirect(path, false, refusal, directChannels) : null;
        if (dsyncChannel != null && plainChannel == null) {
          dsyncChannel.close();
          dsyncChannel = null;
        }
        effectivePath = dsyncChannel != null ? writePath : WritePath.BUFFERED_CHANNEL;
      }
      MappedBytesStore store = mappedFile.acquireByteStore(owner, 0);
      return new MappedStorageFile(
          path,
          mappedFile,
          owner,
          store,
          sizeBytes,
          effectivePath,
          dsyncChannel,
          plainChannel,
          blockBytes,
          zeroFilled,
          refusal);
    } catch (IOException | RuntimeException e) {
      if (dsyncChannel != null) {
        dsyncChannel.close();
      }
      if (plainChannel != null) {
        plainChannel.close();
      }
      mappedFile.releaseLast();
      throw e;
    }
  }

  /** The file store's block size if {@code path} can be written in whole blocks, else 0. */
  static int directBlockBytes(Path path, long sizeBytes, DirectRefusal refusal) {
    if (!refusal.allowed(path)) {
      return 0;
    }
    try {
      long blockBytes = Files.getFileStore(path).getBlockSize();
      if (blockBytes <= 0
          || blockBytes > PAGE_BYTES * 16
          || Long.bitCount(blockBytes) != 1
          || sizeBytes % blockBytes != 0) {
        refusal.refused(
            path,
            new IOException(
                "block size " + blockBytes + " does not divide the file size " + sizeBytes));
        return 0;
      }
      return (int) blockBytes;
    } catch (IOException | UnsupportedOperationException e) {
      refusal.refused(path, e);
      return 0;
    }
  }

  /**
   * Opens {@code path} with O_DIRECT (and O_DSYNC if {@code dsync}), or returns null if the file
   * system refuses.
   */
  static FileChannel openDirect(
      Path path, boolean dsync, DirectRefusal refusal, DirectChannels directChannels) {
    try {
      return directChannels.open(path, dsync);
    } catch (IOException | UnsupportedOperationException e) {
      refusal.refused(path, e);
      return null;
    }
  }

  /**
   * Block I/O of the direct path: whole blocks through the O_DIRECT | O_DSYNC channel, reads of the
   * file through the mapping (after a direct write the kernel has dropped the cached pages of the
   * range, so the mapping reads them from the disk). If the very first direct write of the file
   * fails, the file system accepted the flag at open but not the I/O (EINVAL): the same blocks are
   * written buffered instead, and every later sync forces. That is not a retry in the fsyncgate
   * sense: the bytes are still in the buffer, nothing was marked clean, and a failure of the
   * buffered write or of the force is fatal as on the buffered path. A failure after a direct write
   * succeeded is fatal at once.
   */
  private final class DirectBlockIo implements AlignedWriteBuffer.BlockIo {
    @Override
    public void writeBlocks(ByteBuffer blocks, long position, boolean barrier) throws IOException {
      int from = blocks.position();
      try {
        if (directChannel != null) {
          // a sync's write is the barrier unless a force is due anyway: then no O_DSYNC either
          boolean dsync = barrier && !forceNeeded;
          try {
            writeFully(dsync ? directChannel : directPlainChannel, blocks, position);
            directWritten = true;
            forceNeeded |= !dsync;
            return;
          } catch (IOException e) {
            if (directWritten) {
              throw e;
            }
            refusal.refused(path, e);
            FileChannel refused = directChannel;
            FileChannel refusedPlain = directPlainChannel;
            directChannel = null;
            directPlainChannel = null;
            closeQuietly(refused, e);
            closeQuietly(refusedPlain, e);
            blocks.position(from);
          }
        }
        writeFully(channel, blocks, position);
        forceNeeded = true;
      } catch (IOException e) {
        writeFailure = e;
        throw e;
      }
    }

    @Override
    public void readFile(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes) {
      dst.putBytes(dstOffset, memory, (int) position, lengthBytes);
    }
  }

  private static void closeQuietly(FileChannel channel, IOException cause) {
    try {
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
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
    if (aligned != null) {
      aligned.write(position, src, srcOffset, lengthBytes);
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
    if (aligned != null) {
      if (lengthBytes > aligned.maxClaimBytes()) {
        claim.stage(position, lengthBytes);
      } else {
        aligned.claim(this, position, lengthBytes, claim);
      }
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
    if (aligned != null) {
      aligned.commit(claim);
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
    writeFully(writeChannel, bytes, position);
  }

  private static void writeFully(FileChannel to, ByteBuffer bytes, long position)
      throws IOException {
    long at = position;
    while (bytes.hasRemaining()) {
      at += to.write(bytes, at);
    }
  }

  @Override
  public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    checkRange(position, lengthBytes);
    if (aligned != null && aligned.read(position, dst, dstOffset, lengthBytes)) {
      return;
    }
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
    if (aligned != null) {
      aligned.flush(true);
      if (directChannel == null || forceNeeded) {
        channel.force(false);
        forceNeeded = false;
      }
      return;
    }
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
        if (aligned != null) {
          aligned.flush(false);
        }
        flush();
      } finally {
        store.release(owner);
        mappedFile.releaseLast();
        if (writeChannel != channel) {
          writeChannel.close();
        }
        if (directChannel != null) {
          directChannel.close();
          directPlainChannel.close();
        }
      }
    }
  }
}
