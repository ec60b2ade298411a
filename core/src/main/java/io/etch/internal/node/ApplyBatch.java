package io.etch.internal.node;

import io.etch.raft.Entry;
import java.util.List;

/**
 * What the owner thread hands the applier from one {@code Ready}: a snapshot to install first (or
 * null), the committed entries in log order and the reads whose read index that Ready confirmed.
 */
record ApplyBatch(SnapshotInstall snapshot, List<Entry> entries, List<ReadBarrier> reads) {
  boolean isEmpty() {
    return snapshot == null && entries.isEmpty() && reads.isEmpty();
  }
}
