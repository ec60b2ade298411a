package io.etch.internal.raftlog;

import io.etch.storage.fs.StorageFileSystem;
import io.etch.storage.snap.SnapshotIoException;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes old snapshot files, relative to the snapshot the WAL records.
 *
 * <p>The snapshot stores of {@link WalRaftStorage} never prune by themselves (their retain count is
 * the store's maximum): a store prunes by count when it writes, before the WAL marker of the new
 * file is durable, and with a second writer (the background snapshot writer) next to installs, a
 * count-based prune could remove the file the durable marker still records. This pruner deletes
 * only files <em>older</em> than a recorded index, keeping the {@code keepOlder} newest of them as
 * fallbacks (recovery uses one when the recorded file is corrupt and the WAL covers the gap). Files
 * at or above the recorded index (the recorded one, one being written, one just installed) are
 * never touched. The recorded index only grows, so a prune racing a newer marker deletes nothing it
 * should keep.
 *
 * <p>Thread-safe in the sense needed: it reads the directory and deletes files; the caller passes a
 * recorded index that was durable when it was read.
 */
final class SnapshotPruner {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPruner.class);

  private final SnapshotStore store;
  private final StorageFileSystem fs;
  private final Path directory;
  private final int keepOlder;

  SnapshotPruner(SnapshotStore store, StorageFileSystem fs, Path directory, int keepOlder) {
    this.store = store;
    this.fs = fs;
    this.directory = directory;
    this.keepOlder = keepOlder;
  }

  /**
   * Deletes the snapshot files below {@code recordedIndex} except the {@code keepOlder} newest of
   * them, then syncs the directory if it deleted any. A failure is logged, not thrown: the files
   * are only garbage.
   */
  void prune(long recordedIndex) {
    try {
      List<SnapshotMeta> all = store.list(); // newest first
      int olderSeen = 0;
      boolean deleted = false;
      for (SnapshotMeta m : all) {
        if (m.index() >= recordedIndex) {
          continue;
        }
        if (++olderSeen > keepOlder) {
          fs.delete(m.file());
          deleted = true;
        }
      }
      if (deleted) {
        fs.syncDirectory(directory);
      }
    } catch (IOException | SnapshotIoException e) {
      LOG.warn("could not remove old snapshots in {}", directory, e);
    }
  }
}
