package io.etch.faults;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.StorageFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One member's storage for the fault suite: the WAL and snapshot files live in a {@link
 * FaultInjectingFileSystem} (storage's test jar), which keeps what was synced apart from what was
 * merely written, so {@link #crash} can lose everything not fsynced. Given to the node through the
 * {@code storageFileSystem} SPI option.
 *
 * <h2>What stays on the real disk</h2>
 *
 * Snapshots travel between members as real files: the transport writes a received snapshot under
 * {@code <dataDir>/snap-in} and the leader streams its snapshot file from the path the log names.
 * So paths under {@code snap-in} go to the real file system, and every snapshot file renamed into
 * place in {@code <dataDir>/raft/snap} is mirrored to the real disk (a copy for the transport to
 * read; the in-memory file stays the truth).
 *
 * <h2>Crash</h2>
 *
 * {@link #crash} returns the storage as found after the power comes back ({@link
 * CrashMode#POWER_LOSS}: only synced bytes and directory entries survive; {@link
 * CrashMode#TORN_SECTORS}: unsynced sectors survive at random). The crashed member may keep running
 * for a moment on the old contents (a ghost, cut off from the network by the caller first); it no
 * longer touches the real-disk mirror, which {@link #remirror()} rebuilds before the restart.
 *
 * <h2>Pauses</h2>
 *
 * {@link #stallSyncs} makes every fsync block until a deadline: the raft owner thread, which syncs
 * the WAL, stalls as on a saturated disk.
 *
 * <p>Thread-safe: every call holds one lock (the fault file system is not thread-safe).
 */
final class CrashableFileSystem implements StorageFileSystem {
  private final FaultInjectingFileSystem inner;
  private final MappedFileSystem real = new MappedFileSystem();
  private final Path snapIn;
  private final Path snapDir;
  private final Object lock = new Object();
  private volatile boolean crashed;
  private volatile boolean released;
  private volatile long stallUntilNs;
  final AtomicLong syncs;

  CrashableFileSystem(FaultInjectingFileSystem inner, Path dataDir) {
    this(inner, dataDir, new AtomicLong());
  }

  private CrashableFileSystem(FaultInjectingFileSystem inner, Path dataDir, AtomicLong syncs) {
    this.inner = inner;
    this.snapIn = dataDir.resolve("snap-in");
    this.snapDir = dataDir.resolve("raft").resolve("snap");
    this.syncs = syncs;
  }

  /** Loses what was not synced; the returned storage is what the restarted member finds. */
  CrashableFileSystem crash(CrashMode mode) {
    synchronized (lock) {
      crashed = true;
      stallUntilNs = 0;
      return new CrashableFileSystem(inner.crash(mode), snapIn.getParent(), syncs);
    }
  }

  /**
   * After {@link #crash}, the crashed member's threads that touch this (old) storage block here — a
   * dead process does nothing more — until {@link #release()}, then fail with an {@link
   * IOException}: the ghost can never make anything durable after the crash point, whatever the
   * network still lets through.
   */
  private void ghost() throws IOException {
    if (!crashed) {
      return;
    }
    while (!released) {
      LockSupport.parkNanos(5_000_000L);
    }
    LockSupport.parkNanos(20_000_000L); // bounds the error loop of a thread still running
    throw new IOException("the member crashed");
  }

  /** Lets the crashed member's blocked threads fail, so that it can finish closing. */
  void release() {
    released = true;
  }

  /** Rewrites the real-disk copy of the snapshot directory from this storage. */
  void remirror() {
    synchronized (lock) {
      try {
        if (Files.isDirectory(snapDir)) {
          try (Stream<Path> files = Files.list(snapDir)) {
            for (Path p : files.toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
        if (inner.exists(snapDir) || !listQuietly().isEmpty()) {
          for (String name : listQuietly()) {
            mirror(snapDir.resolve(name));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private List<String> listQuietly() {
    try {
      return inner.list(snapDir);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Every fsync blocks until {@code nanoTime} reaches {@code untilNs}. */
  void stallSyncs(long untilNs) {
    stallUntilNs = untilNs;
  }

  private boolean isReal(Path p) {
    return p.startsWith(snapIn);
  }

  private void mirror(Path file) throws IOException {
    if (crashed || !file.startsWith(snapDir) || !inner.exists(file)) {
      return;
    }
    Files.createDirectories(snapDir);
    Files.write(file, inner.file(file).bytes());
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    ghost();
    if (isReal(dir)) {
      real.createDirectories(dir);
      return;
    }
    synchronized (lock) {
      inner.createDirectories(dir);
    }
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    ghost();
    if (isReal(dir)) {
      return real.list(dir);
    }
    synchronized (lock) {
      return inner.list(dir);
    }
  }

  @Override
  public boolean exists(Path file) {
    if (crashed) {
      try {
        ghost();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (isReal(file)) {
      return real.exists(file);
    }
    synchronized (lock) {
      return inner.exists(file);
    }
  }

  @Override
  public long size(Path file) throws IOException {
    ghost();
    if (isReal(file)) {
      return real.size(file);
    }
    synchronized (lock) {
      return inner.size(file);
    }
  }

  @Override
  public StorageFile createFixed(Path file, long sizeBytes) throws IOException {
    ghost();
    if (isReal(file)) {
      return real.createFixed(file, sizeBytes);
    }
    synchronized (lock) {
      return new Locked(inner.createFixed(file, sizeBytes));
    }
  }

  @Override
  public StorageFile openFixed(Path file) throws IOException {
    ghost();
    if (isReal(file)) {
      return real.openFixed(file);
    }
    synchronized (lock) {
      return new Locked(inner.openFixed(file));
    }
  }

  @Override
  public StorageFile createGrowable(Path file) throws IOException {
    ghost();
    if (isReal(file)) {
      return real.createGrowable(file);
    }
    synchronized (lock) {
      return new Locked(inner.createGrowable(file));
    }
  }

  @Override
  public StorageFile openGrowable(Path file) throws IOException {
    ghost();
    if (isReal(file)) {
      return real.openGrowable(file);
    }
    synchronized (lock) {
      return new Locked(inner.openGrowable(file));
    }
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    ghost();
    if (isReal(from) && isReal(to)) {
      real.rename(from, to);
      return;
    }
    synchronized (lock) {
      inner.rename(from, to);
      mirror(to);
    }
  }

  @Override
  public void delete(Path file) throws IOException {
    ghost();
    if (isReal(file)) {
      real.delete(file);
      return;
    }
    synchronized (lock) {
      inner.delete(file);
      if (!crashed && file.startsWith(snapDir)) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    ghost();
    if (isReal(dir)) {
      real.syncDirectory(dir);
      return;
    }
    stall();
    synchronized (lock) {
      inner.syncDirectory(dir);
    }
  }

  private void stall() {
    long until = stallUntilNs;
    while (until != 0 && System.nanoTime() - until < 0 && !crashed) {
      LockSupport.parkNanos(Math.min(until - System.nanoTime(), 10_000_000L));
    }
  }

  /** A file of the fault file system, used under the lock. */
  private final class Locked implements StorageFile {
    private final StorageFile file;

    Locked(StorageFile file) {
      this.file = file;
    }

    @Override
    public Path path() {
      return file.path();
    }

    @Override
    public long sizeBytes() {
      synchronized (lock) {
        return file.sizeBytes();
      }
    }

    @Override
    public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
        throws IOException {
      ghost();
      synchronized (lock) {
        file.write(position, src, srcOffset, lengthBytes);
      }
    }

    @Override
    public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
        throws IOException {
      ghost();
      synchronized (lock) {
        file.read(position, dst, dstOffset, lengthBytes);
      }
    }

    @Override
    public void sync() throws IOException {
      ghost();
      stall();
      synchronized (lock) {
        file.sync();
      }
      syncs.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
      synchronized (lock) {
        file.close();
      }
    }
  }
}
