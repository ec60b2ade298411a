package io.etch.raft.log;

import io.etch.raft.Entry;
import io.etch.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log not yet handed to durable storage: an optional incoming snapshot followed by
 * entries starting at {@code offset}.
 *
 * <p>Entries move from here to storage when the node acknowledges a {@code Ready} ({@link
 * #stableTo}); a conflicting append truncates the tail in place. Until then they are readable by
 * the core exactly like stored ones.
 */
final class UnstableLog {
  private Snapshot snapshot;
  private final ArrayList<Entry> entries = new ArrayList<>();
  private long offset;

  UnstableLog(long offset) {
    this.offset = offset;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  long offset() {
    return offset;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The first index if a snapshot is pending, else -1. */
  long maybeFirstIndex() {
    return snapshot == null ? -1 : snapshot.metadata().index() + 1;
  }

  /** The last index held here, else -1. */
  long maybeLastIndex() {
    if (!entries.isEmpty()) {
      return offset + entries.size() - 1;
    }
    return snapshot == null ? -1 : snapshot.metadata().index();
  }

  /** The term at index if held here, else -1. */
  long maybeTerm(long index) {
    if (index < offset) {
      if (snapshot != null && snapshot.metadata().index() == index) {
        return snapshot.metadata().term();
      }
      return -1;
    }
    long last = maybeLastIndex();
    if (last < 0 || index > last) {
      return -1;
    }
    return entries.get((int) (index - offset)).term();
  }

  /** Entries up to (index, term) are durable: drop them if they are still the ones held here. */
  void stableTo(long index, long term) {
    long t = maybeTerm(index);
    if (t < 0 || index < offset || t != term) {
      return;
    }
    int n = (int) (index + 1 - offset);
    if (n == entries.size()) {
      entries.clear();
    } else {
      entries.subList(0, n).clear();
    }
    offset = index + 1;
  }

  void stableSnapTo(long index) {
    if (snapshot != null && snapshot.metadata().index() == index) {
      snapshot = null;
    }
  }

  void restore(Snapshot s) {
    offset = s.metadata().index() + 1;
    entries.clear();
    snapshot = s;
  }

  void truncateAndAppend(List<Entry> ents) {
    long after = ents.get(0).index();
    if (after == offset + entries.size()) {
      entries.addAll(ents);
    } else if (after <= offset) {
      offset = after;
      entries.clear();
      entries.addAll(ents);
    } else {
      entries.subList((int) (after - offset), entries.size()).clear();
      entries.addAll(ents);
    }
  }

  /** Entries in {@code [lo, hi)}, all of which must be held here. */
  List<Entry> slice(long lo, long hi) {
    if (lo > hi || lo < offset || hi > offset + entries.size()) {
      throw new IllegalStateException(
          "unstable slice ["
              + lo
              + ","
              + hi
              + ") out of bounds ["
              + offset
              + ","
              + (offset + entries.size())
              + ")");
    }
    return entries.subList((int) (lo - offset), (int) (hi - offset));
  }
}
