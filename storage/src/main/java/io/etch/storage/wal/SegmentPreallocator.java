package io.etch.storage.wal;

import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Prepares the next segment file (zero-filled to its full size and synced) before the active one
 * fills, so that a roll only writes the header, syncs, renames and syncs the directory instead of
 * also writing a whole segment of zeros on the commit path (the node benchmark saw that as a 40-66
 * ms stall once per segment). The prepared file has a {@code .wal.tmp} name, so recovery removes it
 * if the process dies first, however far the filling got.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>With the executor given in {@link WalConfig.Builder#preallocationExecutor} (the caller's;
 *       the log starts no threads) the whole file is created and synced there, the way etcd's file
 *       pipeline does.
 *   <li>Without one, the appending thread fills it in steps of {@link #STEP_BYTES}: after a sync of
 *       the active segment, {@link #step} writes and syncs one more step whenever the next file is
 *       not ahead of the active segment's fill ratio. The zeros cost the same bytes, but spread
 *       over the segment's life instead of in one stall at the roll.
 * </ul>
 *
 * Either way a failure is an I/O failure of the log (fatal, like any failed write or sync).
 */
final class SegmentPreallocator {
  /** Bytes of zeros written (and synced) per step in the stepwise mode. */
  static final int STEP_BYTES = 1 << 20;

  /** Fraction of the active segment written by which the stepwise mode has the next one ready. */
  static final double FILLED_AHEAD_AT = 0.875;

  /** A zero-filled, synced file waiting under a temporary name. */
  record Prepared(Path temp, StorageFile file) {}

  private final WalConfig config;
  private final Executor executor;
  private CompletableFuture<Prepared> next;

  /** Stepwise mode: the file being filled (growing), or null; its path; bytes filled so far. */
  private StorageFile filling;

  private Path fillingPath;
  private long filledBytes;
  private UnsafeBuffer zeros;

  SegmentPreallocator(WalConfig config) {
    this.config = config;
    this.executor = config.preallocationExecutor();
  }

  /** Name of the file prepared for segment {@code sequence}. */
  static Path tempPath(WalConfig config, long sequence) {
    return config.directory().resolve(String.format("%016x-next%s", sequence, Segment.TEMP_SUFFIX));
  }

  /**
   * Starts preparing a file for segment {@code sequence}: on the executor if one is set, otherwise
   * {@link #step} creates and fills it once the active segment is far enough along.
   */
  void prepareNext(long sequence) {
    if (next != null || filling != null) {
      return;
    }
    Path temp = tempPath(config, sequence);
    if (executor == null) {
      fillingPath = config.syncPolicy() == SyncPolicy.NEVER ? null : temp;
      filledBytes = 0;
      return;
    }
    next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                config.fileSystem().delete(temp);
                StorageFile file = config.fileSystem().createFixed(temp, config.segmentSizeBytes());
                try {
                  file.sync();
                } catch (IOException e) {
                  file.close();
                  throw e;
                }
                return new Prepared(temp, file);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            executor);
  }

  /**
   * Stepwise mode: keeps the next file's zero-filled part ahead of the active segment, so that it
   * is complete when the active one is {@link #FILLED_AHEAD_AT} full. Writes and syncs at most one
   * step per call, and only a whole step (a segment smaller than a step is one step). Does nothing
   * with an executor, with {@link SyncPolicy#NEVER}, or once the file is complete.
   */
  void step(long activeWrittenBytes, long activeSizeBytes) throws IOException {
    if (fillingPath == null) {
      return;
    }
    long size = config.segmentSizeBytes();
    long stepBytes = Math.min(STEP_BYTES, size);
    long due = (long) (activeWrittenBytes / (activeSizeBytes * FILLED_AHEAD_AT) * size);
    if (filledBytes >= size || filledBytes + stepBytes > due) {
      return;
    }
    if (filling == null) {
      config.fileSystem().delete(fillingPath);
      filling = config.fileSystem().createGrowable(fillingPath);
    }
    fillStep(filling);
    filling.sync();
  }

  /** Bytes of the next file filled so far in the stepwise mode (tests and logs). */
  long filledBytes() {
    return filledBytes;
  }

  private void fillStep(StorageFile file) throws IOException {
    if (zeros == null) {
      zeros = new UnsafeBuffer(ByteBuffer.allocateDirect(STEP_BYTES));
    }
    int length = (int) Math.min(STEP_BYTES, config.segmentSizeBytes() - filledBytes);
    file.write(filledBytes, zeros, 0, length);
    filledBytes += length;
  }

  /**
   * The prepared file, finishing or waiting for it if needed, or {@code null} when none was
   * started.
   */
  Prepared take() throws IOException {
    if (fillingPath != null) {
      Path temp = fillingPath;
      fillingPath = null;
      if (filling == null) {
        return null;
      }
      StorageFile growing = filling;
      filling = null;
      try {
        while (filledBytes < config.segmentSizeBytes()) {
          fillStep(growing);
        }
        growing.sync();
      } finally {
        growing.close();
      }
      return new Prepared(temp, config.fileSystem().openFixed(temp));
    }
    if (next == null) {
      return null;
    }
    CompletableFuture<Prepared> pending = next;
    next = null;
    try {
      return pending.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw e;
    }
  }

  /** Closes a prepared file nobody took (it stays on disk as a temp file until the next open). */
  void close() throws IOException {
    fillingPath = null;
    if (filling != null) {
      StorageFile growing = filling;
      filling = null;
      growing.close();
      return;
    }
    Prepared unused = take();
    if (unused != null) {
      unused.file().close();
    }
  }
}
