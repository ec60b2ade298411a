package io.etch.storage.fs;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An in-memory {@link StorageFileSystem} that models what a disk and a kernel guarantee, and
 * nothing more, so that tests can crash it and corrupt it deterministically.
 *
 * <p>Model: every file has its current bytes (what reads see, the page cache) and its durable bytes
 * (what survives a power loss); {@link StorageFile#sync()} copies the first to the second.
 * Directory entries (creates, renames, deletes) likewise have a current and a durable view,
 * reconciled by {@link #syncDirectory(Path)}. Directories themselves are durable at once.
 *
 * <p>Crashes ({@link #crash(CrashMode)}) return a <em>fresh</em> file system holding what survives;
 * the old instance and its open files must no longer be used. Faults: fail the next sync of a file
 * or of any file, fail the next create, rename or directory sync; flip bits, zero sectors, truncate
 * or delete files behind the code's back (through {@link #file(Path)} views). A failed sync behaves
 * like Linux after fsyncgate: the dirty data is marked clean without being made durable, so a
 * retried sync "succeeds" yet a crash still loses the data.
 *
 * <p>All randomness (which sectors of a torn write survive) comes from one {@link Random} seeded at
 * construction: print {@link #seed()} with any failure. Not thread-safe.
 */
public final class FaultInjectingFileSystem implements StorageFileSystem {
  /** Sector size at which {@link CrashMode#TORN_SECTORS} tears unsynced writes. */
  public static final int SECTOR_BYTES = 512;

  /** What survives a simulated crash. */
  public enum CrashMode {
    /** The process dies but the kernel keeps running: every write and directory change survives. */
    PROCESS_CRASH,
    /** Power loss: only synced bytes and synced directory entries survive. */
    POWER_LOSS,
    /**
     * Power loss during write-back: each unsynced 512-byte sector independently survives or not;
     * directory entries as for {@link #POWER_LOSS}.
     */
    TORN_SECTORS
  }

  private final long seed;
  private final int blockWriteBytes;
  private final Random random;
  private final Map<Path, Inode> current = new HashMap<>();
  private final Map<Path, Inode> durable = new HashMap<>();
  private final List<Path> directories = new ArrayList<>();
  private final List<Inode> failingSyncs = new ArrayList<>();
  private boolean failAllSyncs;
  private boolean failNextCreate;
  private boolean failNextRename;
  private boolean failNextDirectorySync;
  private int syncCount;

  /** An empty file system whose random choices derive from {@code seed}. */
  public FaultInjectingFileSystem(long seed) {
    this(seed, 0);
  }

  private FaultInjectingFileSystem(long seed, int blockWriteBytes) {
    this.seed = seed;
    this.blockWriteBytes = blockWriteBytes;
    this.random = new Random(seed);
  }

  /**
   * A file system whose fixed-size files are written the way {@link WritePath#DIRECT_DSYNC} writes
   * them: through the same block-aligned buffer ({@link AlignedWriteBuffer}), so every write-back
   * is whole {@code blockBytes} blocks at aligned positions and the partly filled last block is
   * rewritten by the next sync. Every sector of a rewritten block counts as unsynced until the sync
   * (so {@link CrashMode#TORN_SECTORS} may keep or drop each, including those holding bytes synced
   * before: they must come back identical). Crashed successors keep the mode.
   */
  public static FaultInjectingFileSystem withBlockWrites(long seed, int blockBytes) {
    if (blockBytes < SECTOR_BYTES || blockBytes % SECTOR_BYTES != 0) {
      throw new IllegalArgumentException("block of " + blockBytes + " bytes is not whole sectors");
    }
    return new FaultInjectingFileSystem(seed, blockBytes);
  }

  /** Block size of {@link #withBlockWrites}, or 0 when writes land byte by byte. */
  public int blockWriteBytes() {
    return blockWriteBytes;
  }

  /** The seed this file system (and every one crashed from it) draws from. */
  public long seed() {
    return seed;
  }

  /** Number of successful file syncs so far. */
  public int syncCount() {
    return syncCount;
  }

  private static final class Inode {
    byte[] data = new byte[0];
    int size;
    byte[] durableData = new byte[0];
    int durableSize;
    final BitSet dirtySectors = new BitSet();
    final boolean fixedSize;

    Inode(boolean fixedSize) {
      this.fixedSize = fixedSize;
    }

    void ensure(int capacity) {
      if (data.length < capacity) {
        data = java.util.Arrays.copyOf(data, Math.max(capacity, data.length * 2));
      }
    }

    void markDirty(long from, long to) {
      if (to > from) {
        dirtySectors.set((int) (from / SECTOR_BYTES), (int) ((to - 1) / SECTOR_BYTES) + 1);
      }
    }

    /** Writes back the dirty sectors only (sectors a failed sync dropped stay stale). */
    void makeDurable() {
      if (durableData.length != size) {
        // reallocate only when the size changed: a sync of a fixed 16 MiB WAL segment must not
        // copy the whole segment each time (the fault suites sync hundreds of times a second)
        durableData = java.util.Arrays.copyOf(durableData, size);
      }
      for (int s = dirtySectors.nextSetBit(0); s >= 0; s = dirtySectors.nextSetBit(s + 1)) {
        int from = s * SECTOR_BYTES;
        int to = Math.min(size, from + SECTOR_BYTES);
        if (to > from) {
          System.arraycopy(data, from, durableData, from, to - from);
        }
      }
      durableSize = size;
      dirtySectors.clear();
    }

    Inode survivor(CrashMode mode, Random random, long keepUnsyncedBelow) {
      Inode n = new Inode(fixedSize);
      if (mode == CrashMode.PROCESS_CRASH) {
        n.data = java.util.Arrays.copyOf(data, size);
        n.size = size;
      } else {
        int newSize = mode == CrashMode.TORN_SECTORS && random.nextBoolean() ? size : durableSize;
        n.data = java.util.Arrays.copyOf(durableData, Math.max(newSize, durableSize));
        n.size = newSize;
        for (int s = dirtySectors.nextSetBit(0); s >= 0; s = dirtySectors.nextSetBit(s + 1)) {
          int from = s * SECTOR_BYTES;
          int to = Math.min(newSize, Math.min(size, from + SECTOR_BYTES));
          boolean keep =
              keepUnsyncedBelow >= 0 || (mode == CrashMode.TORN_SECTORS && random.nextBoolean());
          if (keepUnsyncedBelow >= 0) {
            to = (int) Math.min(to, keepUnsyncedBelow);
          }
          if (keep && to > from) {
            System.arraycopy(data, from, n.data, from, to - from);
          }
        }
        n.data = java.util.Arrays.copyOf(n.data, n.size);
      }
      n.durableData = java.util.Arrays.copyOf(n.data, n.size);
      n.durableSize = n.size;
      return n;
    }
  }

  // ---------------------------------------------------------------- faults

  /** The next sync of {@code file} fails (and, as on Linux, its dirty data is dropped). */
  public void failNextSync(Path file) {
    Inode inode = current.get(file);
    if (inode == null) {
      throw new IllegalArgumentException("no file " + file);
    }
    failingSyncs.add(inode);
  }

  /** Every sync fails from now on while {@code fail} is true. */
  public void failAllSyncs(boolean fail) {
    this.failAllSyncs = fail;
  }

  /** The next file creation fails. */
  public void failNextCreate() {
    failNextCreate = true;
  }

  /** The next rename fails. */
  public void failNextRename() {
    failNextRename = true;
  }

  /** The next directory sync fails. */
  public void failNextDirectorySync() {
    failNextDirectorySync = true;
  }

  /**
   * Simulates a crash and returns the file system as found after restart. This instance must not be
   * used afterwards.
   */
  public FaultInjectingFileSystem crash(CrashMode mode) {
    return crash(mode, null, -1);
  }

  /**
   * Simulates a power loss in which the unsynced writes of {@code file} below {@code position}
   * reached the disk and none of the others did (a write torn at an exact byte).
   */
  public FaultInjectingFileSystem crashKeepingUnsyncedBelow(Path file, long position) {
    return crash(CrashMode.POWER_LOSS, file, position);
  }

  private FaultInjectingFileSystem crash(CrashMode mode, Path tornFile, long position) {
    FaultInjectingFileSystem after =
        new FaultInjectingFileSystem(random.nextLong(), blockWriteBytes);
    after.directories.addAll(directories);
    Map<Path, Inode> names = mode == CrashMode.PROCESS_CRASH ? current : durable;
    Map<Inode, Inode> survivors = new IdentityHashMap<>();
    List<Path> sorted = new ArrayList<>(names.keySet());
    Collections.sort(sorted);
    for (Path p : sorted) {
      Inode inode = names.get(p);
      Inode survivor = survivors.get(inode);
      if (survivor == null) {
        long keep = p.equals(tornFile) ? position : -1;
        survivor = inode.survivor(mode, random, keep);
        survivors.put(inode, survivor);
      }
      after.current.put(p, survivor);
      after.durable.put(p, survivor);
    }
    return after;
  }

  /** A view of one file, for inspecting and damaging it behind the code under test's back. */
  public FileView file(Path path) {
    Inode inode = current.get(path);
    if (inode == null) {
      throw new IllegalArgumentException("no file " + path + "; files: " + current.keySet());
    }
    return new FileView(path, inode);
  }

  /** Inspection and media faults on one file; damage applies to current and durable bytes. */
  public final class FileView {
    private final Path path;
    private final Inode inode;

    private FileView(Path path, Inode inode) {
      this.path = path;
      this.inode = inode;
    }

    public long sizeBytes() {
      return inode.size;
    }

    /** A copy of the current bytes. */
    public byte[] bytes() {
      return java.util.Arrays.copyOf(inode.data, inode.size);
    }

    /** {@code [from, to)} of bytes that differ from their durable copy, or null when synced. */
    public long[] unsyncedRange() {
      int from = -1;
      int to = -1;
      for (int i = 0; i < inode.size; i++) {
        byte d = i < inode.durableSize ? inode.durableData[i] : 0;
        if (inode.data[i] != d || i >= inode.durableSize) {
          if (from < 0) {
            from = i;
          }
          to = i + 1;
        }
      }
      return from < 0 ? null : new long[] {from, to};
    }

    /** Flips bit {@code bit} (0..7) of byte {@code position}. */
    public void flipBit(long position, int bit) {
      overwrite(position, new byte[] {(byte) (byteAt(position) ^ (1 << bit))});
    }

    /** Overwrites bytes at {@code position} in both the current and durable contents. */
    public void overwrite(long position, byte[] bytes) {
      int p = (int) position;
      if (p + bytes.length > inode.size) {
        throw new IllegalArgumentException(path + ": overwrite past the end");
      }
      System.arraycopy(bytes, 0, inode.data, p, bytes.length);
      if (inode.durableData.length < p + bytes.length) {
        inode.durableData = java.util.Arrays.copyOf(inode.durableData, p + bytes.length);
      }
      System.arraycopy(bytes, 0, inode.durableData, p, bytes.length);
    }

    /** Zeroes sector {@code sector} (of {@link #SECTOR_BYTES}). */
    public void zeroSector(long sector) {
      long from = sector * SECTOR_BYTES;
      overwrite(from, new byte[(int) Math.min(SECTOR_BYTES, inode.size - from)]);
    }

    /** Cuts the file to {@code sizeBytes}, durably. */
    public void truncate(long sizeBytes) {
      inode.size = (int) sizeBytes;
      inode.data = java.util.Arrays.copyOf(inode.data, inode.size);
      inode.durableData = java.util.Arrays.copyOf(inode.durableData, inode.size);
      inode.durableSize = Math.min(inode.durableSize, inode.size);
    }

    /** Removes the file, durably. */
    public void delete() {
      current.remove(path);
      durable.remove(path);
    }

    private byte byteAt(long position) {
      return inode.data[(int) position];
    }
  }

  // ---------------------------------------------------------------- StorageFileSystem

  @Override
  public void createDirectories(Path dir) {
    if (!directories.contains(dir)) {
      directories.add(dir);
    }
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    if (!directories.contains(dir)) {
      throw new NoSuchFileException(dir.toString());
    }
    List<String> names = new ArrayList<>();
    for (Path p : current.keySet()) {
      if (dir.equals(p.getParent())) {
        names.add(p.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public boolean exists(Path file) {
    return current.containsKey(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return lookup(file).size;
  }

  @Override
  public StorageFile createFixed(Path file, long sizeBytes) throws IOException {
    Inode inode = create(file, true);
    inode.ensure((int) sizeBytes);
    inode.size = (int) sizeBytes;
    inode.markDirty(0, sizeBytes);
    return fixed(new MemoryFile(file, inode), true);
  }

  @Override
  public StorageFile openFixed(Path file) throws IOException {
    return fixed(new MemoryFile(file, lookup(file)), false);
  }

  private StorageFile fixed(MemoryFile file, boolean zeroFilled) {
    return blockWriteBytes == 0 ? file : new BlockWriteFile(file, zeroFilled);
  }

  @Override
  public StorageFile createGrowable(Path file) throws IOException {
    return new MemoryFile(file, create(file, false));
  }

  @Override
  public StorageFile openGrowable(Path file) throws IOException {
    return new MemoryFile(file, lookup(file));
  }

  private Inode create(Path file, boolean fixedSize) throws IOException {
    if (failNextCreate) {
      failNextCreate = false;
      throw new IOException("injected failure creating " + file);
    }
    if (!directories.contains(file.getParent())) {
      throw new NoSuchFileException(file.getParent().toString());
    }
    if (current.containsKey(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Inode inode = new Inode(fixedSize);
    current.put(file, inode);
    return inode;
  }

  private Inode lookup(Path file) throws IOException {
    Inode inode = current.get(file);
    if (inode == null) {
      throw new FileNotFoundException(file.toString());
    }
    return inode;
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    if (failNextRename) {
      failNextRename = false;
      throw new IOException("injected failure renaming " + from + " to " + to);
    }
    Inode inode = lookup(from);
    current.remove(from);
    current.put(to, inode);
  }

  @Override
  public void delete(Path file) {
    current.remove(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    if (failNextDirectorySync) {
      failNextDirectorySync = false;
      throw new IOException("injected failure syncing directory " + dir);
    }
    durable.keySet().removeIf(p -> dir.equals(p.getParent()));
    for (Map.Entry<Path, Inode> e : current.entrySet()) {
      if (dir.equals(e.getKey().getParent())) {
        durable.put(e.getKey(), e.getValue());
      }
    }
  }

  private final class MemoryFile implements StorageFile {
    private final Path path;
    private final Inode inode;
    private boolean closed;

    MemoryFile(Path path, Inode inode) {
      this.path = path;
      this.inode = inode;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public long sizeBytes() {
      return inode.size;
    }

    @Override
    public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
        throws IOException {
      checkOpen();
      long end = position + lengthBytes;
      if (inode.fixedSize && end > inode.size) {
        throw new IndexOutOfBoundsException(
            path + ": write of " + lengthBytes + " at " + position + " past size " + inode.size);
      }
      inode.ensure((int) end);
      src.getBytes(srcOffset, inode.data, (int) position, lengthBytes);
      inode.size = (int) Math.max(inode.size, end);
      inode.markDirty(position, end);
    }

    @Override
    public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
        throws IOException {
      checkOpen();
      if (position + lengthBytes > inode.size) {
        throw new EOFException(
            path + ": read of " + lengthBytes + " at " + position + " past size " + inode.size);
      }
      dst.putBytes(dstOffset, inode.data, (int) position, lengthBytes);
    }

    @Override
    public void sync() throws IOException {
      checkOpen();
      if (failAllSyncs || failingSyncs.remove(inode)) {
        inode.dirtySectors.clear();
        throw new IOException("injected fsync failure on " + path);
      }
      inode.makeDurable();
      syncCount++;
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException(path + " is closed");
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A fixed file written in whole blocks through an {@link AlignedWriteBuffer}, as O_DIRECT. */
  private final class BlockWriteFile implements StorageFile {
    private final MemoryFile file;
    private final AlignedWriteBuffer buffer;

    BlockWriteFile(MemoryFile file, boolean zeroFilled) {
      this.file = file;
      long size = file.sizeBytes();
      this.buffer =
          new AlignedWriteBuffer(
              new AlignedWriteBuffer.BlockIo() {
                @Override
                public void writeBlocks(ByteBuffer blocks, long position, boolean barrier)
                    throws IOException {
                  int length = blocks.remaining();
                  file.write(
                      position, new UnsafeBuffer(blocks, blocks.position(), length), 0, length);
                  blocks.position(blocks.limit());
                }

                @Override
                public void readFile(
                    long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
                    throws IOException {
                  file.read(position, dst, dstOffset, lengthBytes);
                }
              },
              blockWriteBytes,
              size,
              zeroFilled ? 0 : size,
              2 * blockWriteBytes);
    }

    @Override
    public Path path() {
      return file.path();
    }

    @Override
    public long sizeBytes() {
      return file.sizeBytes();
    }

    @Override
    public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
        throws IOException {
      checkRange(position, lengthBytes);
      buffer.write(position, src, srcOffset, lengthBytes);
    }

    @Override
    public void claim(long position, int lengthBytes, WriteClaim claim) throws IOException {
      checkRange(position, lengthBytes);
      if (lengthBytes > buffer.maxClaimBytes()) {
        claim.stage(position, lengthBytes);
      } else {
        buffer.claim(this, position, lengthBytes, claim);
      }
    }

    @Override
    public void commit(WriteClaim claim) throws IOException {
      if (claim.isInPlaceOf(this)) {
        buffer.commit(claim);
      } else {
        write(claim.position(), claim.buffer(), claim.offset(), claim.lengthBytes());
      }
    }

    @Override
    public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
        throws IOException {
      checkRange(position, lengthBytes);
      if (!buffer.read(position, dst, dstOffset, lengthBytes)) {
        file.read(position, dst, dstOffset, lengthBytes);
      }
    }

    @Override
    public void sync() throws IOException {
      file.checkOpen();
      buffer.flush(true);
      file.sync();
    }

    /** Writes the buffer back (not durable), as closing a direct-written file does. */
    @Override
    public void close() throws IOException {
      if (!file.closed) {
        buffer.flush(false);
        file.close();
      }
    }

    private void checkRange(long position, int lengthBytes) {
      file.checkOpen();
      if (position < 0 || lengthBytes < 0 || position + lengthBytes > file.sizeBytes()) {
        throw new IndexOutOfBoundsException(
            path() + ": access of " + lengthBytes + " bytes at " + position + " outside size");
      }
    }
  }
}
