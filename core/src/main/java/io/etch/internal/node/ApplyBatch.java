package io.etch.internal.node;

import io.etch.raft.Entry;
import java.util.List;

/**
 * What the owner thread hands the applier from one {@code Ready}: a snapshot to install first (or
 * null), the committed entries in log order and the reads whose read index that Ready confirmed.
 */
record ApplyBatch(
    SnapshotInstall snapshot, List<Entry> entries, List<ReadBarrier> reads, long entryBytes) {

  /** A batch whose {@link #entryBytes} (the entries' payload bytes) is counted here, once. */
  ApplyBatch(SnapshotInstall snapshot, List<Entry> entries, List<ReadBarrier> reads) {
    this(snapshot, entries, reads, bytesOf(entries));
  }

  private static long bytesOf(List<Entry> entries) {
    long bytes = 0;
    for (int i = 0, n = entries.size(); i < n; i++) {
      bytes += entries.get(i).data().length;
    }
    return bytes;
  }

  boolean isEmpty() {
    return snapshot == null && entries.isEmpty() && reads.isEmpty();
  }
}
