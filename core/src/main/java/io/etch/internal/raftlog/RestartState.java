package io.etch.internal.raftlog;

import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.InitialState;
import java.util.Objects;

/**
 * What a node needs to restart its raft core from a recovered {@link WalRaftStorage}: pass {@code
 * appliedIndex} to {@code RaftConfig.Builder.appliedIndex}, restore the state machine from {@link
 * WalRaftStorage#openSnapshotStateMachine()} (it reflects exactly {@code snapshot}), and the core
 * re-delivers the committed entries after it.
 *
 * @param initialState the persisted hard state (its commit at least the snapshot index) and the
 *     membership of the snapshot
 * @param appliedIndex the index the restored state machine reflects: the snapshot's index (0 when
 *     there is none)
 * @param snapshot the snapshot restored from, {@link SnapshotMetadata#EMPTY} when none
 */
public record RestartState(
    InitialState initialState, long appliedIndex, SnapshotMetadata snapshot) {
  public RestartState {
    Objects.requireNonNull(initialState, "initialState");
    Objects.requireNonNull(snapshot, "snapshot");
  }
}
