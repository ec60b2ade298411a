package io.etch.raft.log;

import io.etch.raft.Entry;
import io.etch.raft.Snapshot;
import io.etch.raft.storage.CompactedException;
import io.etch.raft.storage.RaftStorage;
import io.etch.raft.storage.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft log as the core sees it: durable entries read through {@link RaftStorage} followed by
 * the unstable tail, plus the commit and apply cursors.
 *
 * <p>Invariants (checked, failing fast): {@code applied <= committed <= lastIndex}; the committed
 * prefix is never truncated. Terms are looked up through the unstable tail first, then storage, so
 * a freshly received entry is matchable before it is durable.
 */
public final class RaftLog {
  private final RaftStorage storage;
  private final UnstableLog unstable;
  private long committed;
  private long applied;
  private final long maxNextEntriesBytes;

  public RaftLog(RaftStorage storage, long maxNextEntriesBytes) {
    this.storage = storage;
    this.maxNextEntriesBytes = maxNextEntriesBytes;
    long first = storage.firstIndex();
    long last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  public long committed() {
    return committed;
  }

  public long applied() {
    return applied;
  }

  public long firstIndex() {
    long i = unstable.maybeFirstIndex();
    return i >= 0 ? i : storage.firstIndex();
  }

  public long lastIndex() {
    long i = unstable.maybeLastIndex();
    return i >= 0 ? i : storage.lastIndex();
  }

  public long lastTerm() {
    return termOrZero(lastIndex());
  }

  /**
   * The highest index that is durable and still part of this log (entries beyond it are unstable or
   * a pending snapshot).
   */
  public long lastStableIndex() {
    if (unstable.snapshot() != null) {
      return 0;
    }
    return Math.min(storage.lastIndex(), unstable.offset() - 1);
  }

  /**
   * The term at {@code index}.
   *
   * @throws CompactedException below {@code firstIndex - 1}
   * @throws UnavailableException above {@code lastIndex}
   */
  public long term(long index) {
    long dummy = firstIndex() - 1;
    if (index < dummy) {
      throw new CompactedException(index, dummy + 1);
    }
    if (index > lastIndex()) {
      throw new UnavailableException(index, lastIndex());
    }
    long t = unstable.maybeTerm(index);
    return t >= 0 ? t : storage.term(index);
  }

  /** The term at index, or 0 when the index is compacted or beyond the log. */
  public long termOrZero(long index) {
    long dummy = firstIndex() - 1;
    if (index < dummy || index > lastIndex()) {
      return 0;
    }
    long t = unstable.maybeTerm(index);
    if (t >= 0) {
      return t;
    }
    try {
      return storage.term(index);
    } catch (CompactedException | UnavailableException e) {
      return 0;
    }
  }

  public boolean matchTerm(long index, long term) {
    long dummy = firstIndex() - 1;
    if (index < dummy || index > lastIndex()) {
      return false;
    }
    return termOrZero(index) == term;
  }

  /** §5.4.1: a candidate's log is at least as up to date as ours. */
  public boolean isUpToDate(long lastIndex, long lastTerm) {
    long myTerm = lastTerm();
    return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
  }

  /**
   * Appends a leader's entries after (prevIndex, prevTerm) if they match, truncating conflicts.
   *
   * @return the index of the last new entry, or -1 when (prevIndex, prevTerm) does not match
   */
  public long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> ents) {
    if (!matchTerm(prevIndex, prevTerm)) {
      return -1;
    }
    long lastNew = prevIndex + ents.size();
    long conflict = findConflict(ents);
    if (conflict != 0) {
      if (conflict <= committed) {
        throw new IllegalStateException(
            "entry " + conflict + " conflicts with committed entry (committed=" + committed + ")");
      }
      int from = (int) (conflict - (prevIndex + 1));
      append(ents.subList(from, ents.size()));
    }
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Appends entries at the end (possibly truncating an unstable suffix); returns lastIndex. */
  public long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).index() - 1;
    if (after < committed) {
      throw new IllegalStateException(
          "append after " + after + " would truncate committed index " + committed);
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /**
   * The index of the first entry that is new or conflicts with ours, or 0 when every entry is
   * already present with the same term.
   */
  long findConflict(List<Entry> ents) {
    for (int i = 0; i < ents.size(); i++) {
      Entry e = ents.get(i);
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * The fast back-off hint: the largest index {@code <= index} whose term is {@code <= term}, so a
   * rejecting follower can skip a whole term of mismatched entries at once. Returns {index, term}.
   */
  public long[] findConflictByTerm(long index, long term) {
    long first = firstIndex();
    for (; index >= first - 1; index--) {
      long t;
      try {
        t = term(index);
      } catch (CompactedException | UnavailableException e) {
        return new long[] {index, 0};
      }
      if (t <= term) {
        return new long[] {index, t};
      }
    }
    return new long[] {index, 0};
  }

  public void commitTo(long toCommit) {
    if (committed < toCommit) {
      if (lastIndex() < toCommit) {
        throw new IllegalStateException(
            "commit " + toCommit + " is out of range [lastIndex " + lastIndex() + "]");
      }
      committed = toCommit;
    }
  }

  /** Commits {@code maxIndex} if it is from {@code term} (§5.4.2). */
  public boolean maybeCommit(long maxIndex, long term) {
    if (maxIndex > committed && termOrZero(maxIndex) == term) {
      commitTo(maxIndex);
      return true;
    }
    return false;
  }

  public void appliedTo(long index) {
    if (index == 0) {
      return;
    }
    if (committed < index || index < applied) {
      throw new IllegalStateException(
          "applied "
              + index
              + " out of range [applied "
              + applied
              + ", committed "
              + committed
              + "]");
    }
    applied = index;
  }

  public void stableTo(long index, long term) {
    unstable.stableTo(index, term);
  }

  public void stableSnapTo(long index) {
    unstable.stableSnapTo(index);
  }

  public List<Entry> unstableEntries() {
    return unstable.entries();
  }

  public Snapshot unstableSnapshot() {
    return unstable.snapshot();
  }

  public boolean hasNextCommittedEntries() {
    long off = Math.max(applied + 1, firstIndex());
    return committed + 1 > off;
  }

  /** Committed entries not yet applied, up to the per-batch byte limit. */
  public List<Entry> nextCommittedEntries() {
    long off = Math.max(applied + 1, firstIndex());
    if (committed + 1 > off) {
      return slice(off, committed + 1, maxNextEntriesBytes);
    }
    return List.of();
  }

  /** The snapshot to hand a lagging follower: the unstable one if any, else storage's. */
  public Snapshot snapshot() {
    Snapshot s = unstable.snapshot();
    return s != null ? s : storage.snapshot();
  }

  /** Entries from {@code index} to the end, at most {@code maxBytes} (at least one entry). */
  public List<Entry> entries(long index, long maxBytes) {
    if (index > lastIndex()) {
      return List.of();
    }
    return slice(index, lastIndex() + 1, maxBytes);
  }

  /**
   * Entries in {@code [lo, hi)} limited to {@code maxBytes} (at least one).
   *
   * @throws CompactedException when {@code lo} is compacted
   */
  public List<Entry> slice(long lo, long hi, long maxBytes) {
    long first = firstIndex();
    if (lo < first) {
      throw new CompactedException(lo, first);
    }
    if (hi > lastIndex() + 1) {
      throw new UnavailableException(hi - 1, lastIndex());
    }
    if (lo == hi) {
      return List.of();
    }
    List<Entry> out = null;
    long off = unstable.offset();
    if (lo < off) {
      List<Entry> stored = storage.entries(lo, Math.min(hi, off), maxBytes);
      if (stored.size() < Math.min(hi, off) - lo) {
        return stored;
      }
      out = stored;
    }
    if (hi > off) {
      List<Entry> unst = unstable.slice(Math.max(lo, off), hi);
      if (out == null) {
        out = unst;
      } else {
        ArrayList<Entry> merged = new ArrayList<>(out.size() + unst.size());
        merged.addAll(out);
        merged.addAll(unst);
        out = merged;
      }
    }
    return limitSize(out, maxBytes);
  }

  private static List<Entry> limitSize(List<Entry> ents, long maxBytes) {
    if (ents.isEmpty()) {
      return ents;
    }
    long size = ents.get(0).sizeBytes();
    int n = 1;
    for (; n < ents.size(); n++) {
      size += ents.get(n).sizeBytes();
      if (size > maxBytes) {
        break;
      }
    }
    return n == ents.size() ? ents : ents.subList(0, n);
  }

  /** Replaces the log with a snapshot's position (entries follow by append). */
  public void restore(Snapshot s) {
    committed = s.metadata().index();
    unstable.restore(s);
  }

  /** Restores the persisted commit index after a restart. */
  public void loadCommit(long commit) {
    if (commit < committed || commit > lastIndex()) {
      throw new IllegalStateException(
          "persisted commit "
              + commit
              + " out of range ["
              + committed
              + ", "
              + lastIndex()
              + "]: the hard state and the log disagree");
    }
    committed = commit;
  }
}
