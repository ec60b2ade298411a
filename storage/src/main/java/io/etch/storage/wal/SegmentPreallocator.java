package io.etch.storage.wal;

import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Prepares the next segment file (zero-filled to its full size and synced) ahead of need on the
 * executor given in {@link WalConfig.Builder#preallocationExecutor}, the way etcd's file pipeline
 * does, so that a roll only writes the header, syncs, renames and syncs the directory instead of
 * also writing the whole segment's zeros on the commit path. Without an executor, segments are
 * created on demand by the appending thread. The prepared file has a {@code .wal.tmp} name, so
 * recovery removes it if the process dies first.
 */
final class SegmentPreallocator {
  /** A zero-filled, synced file waiting under a temporary name. */
  record Prepared(Path temp, StorageFile file) {}

  private final WalConfig config;
  private final Executor executor;
  private CompletableFuture<Prepared> next;

  SegmentPreallocator(WalConfig config) {
    this.config = config;
    this.executor = config.preallocationExecutor();
  }

  /** Starts preparing a file for the segment after the active one, if an executor is set. */
  void prepareNext(long sequence) {
    if (executor == null || next != null) {
      return;
    }
    Path temp =
        config.directory().resolve(String.format("%016x-next%s", sequence, Segment.TEMP_SUFFIX));
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

  /** The prepared file, waiting for it if needed, or {@code null} when none was started. */
  Prepared take() throws IOException {
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
    Prepared unused = take();
    if (unused != null) {
      unused.file().close();
    }
  }
}
