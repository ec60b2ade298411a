package io.etch.internal.raftlog;

import io.etch.storage.fs.StorageFileSystem;
import io.etch.storage.snap.SnapshotCorruptionException;
import io.etch.storage.snap.SnapshotIoException;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import io.etch.storage.snap.SnapshotUnavailableException;
import io.etch.storage.wal.WalSnapshotMarker;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, at start-up, the snapshot to restore from: the one the WAL's latest snapshot marker
 * records, or, when that file is missing or fails its checksum, the newest older one that verifies
 * and whose gap the WAL still covers (its first index is at most the older snapshot's index + 1,
 * and the WAL agrees on the term at that index). This is {@link SnapshotStore#selectUsable}'s
 * fallback rule plus one more: a snapshot file newer than the marker was written by an operation a
 * crash interrupted before the marker was durable (a snapshot the WAL never adopted); it is ignored
 * and deleted, because the log and hard state on disk are those of before it.
 */
final class SnapshotSelector {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSelector.class);

  private SnapshotSelector() {}

  /**
   * The snapshot to restore, or empty when the WAL records none and starts at index 1.
   *
   * @throws SnapshotUnavailableException when no usable snapshot covers the log's start
   */
  static Optional<SnapshotMeta> select(
      SnapshotStore snaps, WriteAheadLog wal, StorageFileSystem fs, Path snapDir) {
    long markerIndex = wal.snapshotMarker().map(WalSnapshotMarker::index).orElse(0L);
    long markerTerm = wal.snapshotMarker().map(WalSnapshotMarker::term).orElse(0L);
    List<SnapshotMeta> unadopted = new ArrayList<>();
    SnapshotCorruptionException corruption = null;
    SnapshotMeta chosen = null;
    for (SnapshotMeta candidate : snaps.list()) {
      if (candidate.index() > markerIndex
          || (candidate.index() == markerIndex && candidate.term() != markerTerm)) {
        unadopted.add(candidate);
        continue;
      }
      try {
        snaps.verify(candidate);
      } catch (SnapshotCorruptionException e) {
        LOG.warn("{}", e.getMessage());
        if (corruption == null) {
          corruption = e;
        }
        continue;
      }
      if (candidate.index() == markerIndex) {
        chosen = candidate;
        break;
      }
      if (coveredByWal(wal, candidate)) {
        LOG.warn(
            "the snapshot at index {} recorded by the write-ahead log is {}; falling back to {}"
                + " (the log starts at {} and covers the rest)",
            markerIndex,
            corruption == null ? "missing" : "corrupt",
            candidate.file(),
            wal.firstIndex());
        chosen = candidate;
        break;
      }
      throw new SnapshotUnavailableException(
          expectedFile(snapDir, markerIndex, markerTerm),
          wal.firstIndex(),
          candidate.index(),
          corruption);
    }
    for (SnapshotMeta stale : unadopted) {
      LOG.warn(
          "removing snapshot {}: the write-ahead log never recorded it (a crash interrupted its"
              + " installation)",
          stale.file());
    }
    if (!unadopted.isEmpty()) {
      try {
        for (SnapshotMeta stale : unadopted) {
          fs.delete(stale.file());
        }
        fs.syncDirectory(snapDir);
      } catch (IOException e) {
        throw new SnapshotIoException(snapDir, e);
      }
    }
    if (chosen != null) {
      return Optional.of(chosen);
    }
    if (markerIndex > 0 || wal.firstIndex() > 1) {
      throw new SnapshotUnavailableException(
          expectedFile(snapDir, markerIndex, markerTerm), wal.firstIndex(), -1, corruption);
    }
    return Optional.empty();
  }

  private static boolean coveredByWal(WriteAheadLog wal, SnapshotMeta candidate) {
    long i = candidate.index();
    if (wal.firstIndex() > i + 1) {
      return false;
    }
    return i < wal.firstIndex() || i > wal.lastIndex() || wal.entry(i).term() == candidate.term();
  }

  private static Path expectedFile(Path snapDir, long index, long term) {
    return snapDir.resolve(String.format("snapshot-%016x-%016x.snap", index, term));
  }
}
