package io.etch.internal.node;

import io.etch.internal.raftlog.SnapshotJob;
import io.etch.internal.raftlog.WalRaftStorage;
import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.InitialState;
import io.etch.storage.snap.SnapshotWriter;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable {@link RaftLogStore}: the WAL-backed {@link WalRaftStorage}. {@link #persist} appends
 * entries and hard state and syncs once per Ready when it must.
 */
final class WalRaftLogStore implements RaftLogStore {
  private final WalRaftStorage log;

  WalRaftLogStore(WalRaftStorage log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void persist(Ready ready) {
    log.persist(ready);
  }

  @Override
  public void persist(Ready ready, Path receivedSnapshotFile) {
    log.persist(ready, receivedSnapshotFile);
  }

  @Override
  public SnapshotMetadata createSnapshot(
      long index, ConfState confState, SnapshotWriter stateMachine) {
    return log.createSnapshot(index, confState, stateMachine);
  }

  @Override
  public SnapshotJob startSnapshot(long index, ConfState confState) {
    return log.startSnapshot(index, confState);
  }

  @Override
  public Optional<SnapshotMetadata> finishSnapshot(SnapshotJob job) {
    return log.finishSnapshot(job);
  }

  @Override
  public void abandonSnapshot(SnapshotJob job) {
    log.abandonSnapshot(job);
  }

  @Override
  public Path snapshotFile() {
    return log.snapshotFile();
  }

  @Override
  public Path snapshotFile(long index) {
    return log.snapshotFile(index);
  }

  @Override
  public void verifyReceived(io.etch.raft.SnapshotMetadata md, Path receivedFile) {
    log.verifyReceived(md, receivedFile);
  }

  @Override
  public InputStream openSnapshotStateMachine() {
    return log.openSnapshotStateMachine();
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
