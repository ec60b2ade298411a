package io.etch.internal.node;

import io.etch.internal.raftlog.WalRaftStorage;
import io.etch.raft.Entry;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.storage.InitialState;
import java.util.List;
import java.util.Objects;

/**
 * The durable {@link RaftLogStore}: the WAL-backed {@link WalRaftStorage}. {@link #persist} appends
 * entries and hard state and syncs once per Ready when it must.
 *
 * <p>This member never compacts its log (no snapshots are taken yet), so no leader ever needs to
 * send it a snapshot; a Ready carrying one is an invariant violation and fails fast.
 */
final class WalRaftLogStore implements RaftLogStore {
  private final WalRaftStorage log;

  WalRaftLogStore(WalRaftStorage log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void persist(Ready ready) {
    if (ready.snapshot() != null && !ready.snapshot().isEmpty()) {
      throw new IllegalStateException(
          "a snapshot arrived ("
              + ready.snapshot()
              + ") but no member of this cluster compacts its log, so none can be needed");
    }
    log.persist(ready);
  }

  @Override
  public InitialState initialState() {
    return log.initialState();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    return log.entries(lo, hi, maxBytes);
  }

  @Override
  public long term(long index) {
    return log.term(index);
  }

  @Override
  public long firstIndex() {
    return log.firstIndex();
  }

  @Override
  public long lastIndex() {
    return log.lastIndex();
  }

  @Override
  public Snapshot snapshot() {
    return log.snapshot();
  }

  @Override
  public void close() {
    log.close();
  }
}
