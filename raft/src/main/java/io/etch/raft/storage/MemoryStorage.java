package io.etch.raft.storage;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.HardState;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory {@link RaftStorage}: what tests, the simulation and benchmarks persist into.
 *
 * <p>Layout: {@code entries.get(0)} is a dummy entry standing at the snapshot's (index, term), so
 * the term of {@code firstIndex - 1} is always known; real entries follow contiguously. Not
 * thread-safe: the single thread that drives the node both writes and (through the core) reads it.
 */
public final class MemoryStorage implements RaftStorage {
  private final ArrayList<Entry> entries = new ArrayList<>();
  private HardState hardState = HardState.EMPTY;
  private Snapshot snapshot = Snapshot.EMPTY;

  /** An empty storage: a member that has never run and will learn its membership by snapshot. */
  public MemoryStorage() {
    entries.add(new Entry(0, 0, EntryType.NORMAL, null));
  }

  /**
   * A storage bootstrapped from a snapshot that carries the founding membership, the way every
   * founding member of a new cluster starts.
   */
  public static MemoryStorage bootstrap(Snapshot initial) {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(initial);
    s.setHardState(new HardState(initial.metadata().term(), 0, initial.metadata().index()));
    return s;
  }

  @Override
  public InitialState initialState() {
    return new InitialState(hardState, snapshot.metadata().confState());
  }

  public HardState hardState() {
    return hardState;
  }

  public void setHardState(HardState hardState) {
    this.hardState = Objects.requireNonNull(hardState, "hardState");
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    long offset = entries.get(0).index();
    if (lo <= offset) {
      throw new CompactedException(lo, offset + 1);
    }
    if (hi > lastIndex() + 1) {
      throw new UnavailableException(hi - 1, lastIndex());
    }
    if (lo >= hi) {
      return List.of();
    }
    int from = (int) (lo - offset);
    int to = (int) (hi - offset);
    long size = 0;
    int end = from;
    while (end < to) {
      size += entries.get(end).sizeBytes();
      if (end > from && size > maxBytes) {
        break;
      }
      end++;
    }
    return new ArrayList<>(entries.subList(from, end));
  }

  @Override
  public long term(long index) {
    long offset = entries.get(0).index();
    if (index < offset) {
      throw new CompactedException(index, offset + 1);
    }
    if (index - offset >= entries.size()) {
      throw new UnavailableException(index, lastIndex());
    }
    return entries.get((int) (index - offset)).term();
  }

  @Override
  public long firstIndex() {
    return entries.get(0).index() + 1;
  }

  @Override
  public long lastIndex() {
    return entries.get(0).index() + entries.size() - 1;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Replaces the storage's content with a snapshot (a follower installing what the leader sent).
   *
   * @throws SnapshotOutOfDateException when the snapshot is older than the stored one
   */
  public void applySnapshot(Snapshot snap) {
    long current = snapshot.metadata().index();
    long offered = snap.metadata().index();
    if (offered < current) {
      throw new SnapshotOutOfDateException(offered, current);
    }
    snapshot = snap;
    entries.clear();
    entries.add(new Entry(snap.metadata().term(), offered, EntryType.NORMAL, null));
  }

  /**
   * Records a snapshot of the state machine as of {@code index} (which must be in the log) so the
   * log before it can be compacted.
   */
  public Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
    long current = snapshot.metadata().index();
    if (index <= current) {
      throw new SnapshotOutOfDateException(index, current);
    }
    if (index > lastIndex()) {
      throw new UnavailableException(index, lastIndex());
    }
    long offset = entries.get(0).index();
    long term = entries.get((int) (index - offset)).term();
    snapshot = new Snapshot(new SnapshotMetadata(index, term, confState), data);
    return snapshot;
  }

  /**
   * Discards entries up to and including {@code compactIndex}; the node must not compact beyond
   * what it has applied.
   */
  public void compact(long compactIndex) {
    long offset = entries.get(0).index();
    if (compactIndex <= offset) {
      throw new CompactedException(compactIndex, offset + 1);
    }
    if (compactIndex > lastIndex()) {
      throw new UnavailableException(compactIndex, lastIndex());
    }
    int i = (int) (compactIndex - offset);
    Entry dummy = new Entry(entries.get(i).term(), compactIndex, EntryType.NORMAL, null);
    entries.subList(0, i + 1).clear();
    entries.add(0, dummy);
  }

  /**
   * Appends entries, truncating any conflicting suffix first. Entries must be contiguous and may
   * not start beyond {@code lastIndex + 1}; entries already compacted are skipped.
   */
  public void append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return;
    }
    long first = firstIndex();
    long last = ents.get(0).index() + ents.size() - 1;
    if (last < first) {
      return;
    }
    if (first > ents.get(0).index()) {
      ents = ents.subList((int) (first - ents.get(0).index()), ents.size());
    }
    long offset = ents.get(0).index() - entries.get(0).index();
    if (offset > entries.size()) {
      throw new IllegalStateException(
          "missing log entries: last index "
              + lastIndex()
              + ", appending at "
              + ents.get(0).index());
    }
    if (offset < entries.size()) {
      entries.subList((int) offset, entries.size()).clear();
    }
    entries.addAll(ents);
  }
}
