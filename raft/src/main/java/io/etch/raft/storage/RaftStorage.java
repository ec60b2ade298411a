package io.etch.raft.storage;

import io.etch.raft.Entry;
import io.etch.raft.Snapshot;
import java.util.List;

/**
 * The read-only view of the durable log that the Raft core reads.
 *
 * <p>The core never writes through this interface: the node persists what a {@code Ready} hands it
 * (entries, hard state, snapshot) into its own storage and compacts it when it likes; the core only
 * reads back. The log is a contiguous run of entries {@code [firstIndex, lastIndex]} preceded by a
 * snapshot at {@code firstIndex - 1} whose term is still known, so {@code term(firstIndex - 1)} is
 * always answerable.
 *
 * <p>Errors are typed: {@link CompactedException} for indices below the first available one, {@link
 * UnavailableException} for indices beyond the last one, {@link
 * SnapshotTemporarilyUnavailableException} when a snapshot is being built.
 */
public interface RaftStorage {
  /** The persisted hard state and the membership of the latest snapshot. */
  InitialState initialState();

  /**
   * Entries in {@code [lo, hi)}, stopping once their total {@link Entry#sizeBytes()} would exceed
   * {@code maxBytes}; at least one entry is returned when the range is non-empty.
   */
  List<Entry> entries(long lo, long hi, long maxBytes);

  /** The term of the entry at {@code index}, valid for {@code [firstIndex - 1, lastIndex]}. */
  long term(long index);

  /** The index of the first entry still available (the snapshot index + 1). */
  long firstIndex();

  /** The index of the last entry; {@code firstIndex - 1} when the log is empty. */
  long lastIndex();

  /** The most recent snapshot. */
  Snapshot snapshot();
}
