package io.etch.internal.node;

import io.etch.internal.raftlog.SnapshotJob;
import io.etch.raft.ConfState;
import io.etch.raft.Ready;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.RaftStorage;
import io.etch.storage.snap.SnapshotWriter;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The node's durable Raft log: what {@link io.etch.raft.RawNode} reads through {@link RaftStorage},
 * plus the writes the owner thread makes. Owner thread only.
 *
 * <p>This seam keeps the owner thread independent of how the log is stored; {@link WalRaftLogStore}
 * is the WAL-backed one the node uses.
 */
public interface RaftLogStore extends RaftStorage, AutoCloseable {
  /**
   * Persists the entries and hard state of {@code ready} (which carries no snapshot), syncing once
   * when {@link Ready#mustSync()}; returns when they are durable.
   */
  void persist(Ready ready);

  /** Persists a Ready carrying a snapshot the leader streamed to {@code receivedSnapshotFile}. */
  void persist(Ready ready, Path receivedSnapshotFile);

  /** Takes a snapshot at {@code index} durably, then compacts the log behind it. */
  SnapshotMetadata createSnapshot(long index, ConfState confState, SnapshotWriter stateMachine);

  /** Begins a snapshot at {@code index}; its file is written off the owner thread. */
  SnapshotJob startSnapshot(long index, ConfState confState);

  /** Records a written job (marker, sync, compaction); empty when an install superseded it. */
  Optional<SnapshotMetadata> finishSnapshot(SnapshotJob job);

  /** Drops a job whose write failed. */
  void abandonSnapshot(SnapshotJob job);

  /** The file of the current snapshot, as the transport ships it. */
  Path snapshotFile();

  /** The current snapshot's file if that snapshot is at {@code index}, else null. */
  Path snapshotFile(long index);

  /**
   * Checks a snapshot file received from the leader against its SNAP message's metadata.
   *
   * @throws io.etch.storage.snap.SnapshotCorruptionException if it does not verify
   */
  void verifyReceived(io.etch.raft.SnapshotMetadata md, Path receivedFile);

  /** The state machine bytes of the current snapshot; the caller closes the stream. */
  InputStream openSnapshotStateMachine();

  /** Releases files and buffers. Idempotent. */
  @Override
  void close();
}
