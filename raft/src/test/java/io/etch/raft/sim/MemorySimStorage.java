package io.etch.raft.sim;

import io.etch.raft.ConfState;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.MemoryStorage;
import io.etch.raft.storage.RaftStorage;

/**
 * {@link SimStorage} on a {@link MemoryStorage}: every write is durable the moment it is made, so a
 * crash loses only what the harness had not yet persisted (a crash between the phases of a Ready)
 * and {@link #crash()} returns this very storage. Snapshots travel inside the SNAP message.
 */
final class MemorySimStorage implements SimStorage {
  static final SimStorageFactory FACTORY =
      new SimStorageFactory() {
        @Override
        public SimStorage bootstrap(long memberId, Snapshot initial) {
          return new MemorySimStorage(MemoryStorage.bootstrap(initial));
        }

        @Override
        public SimStorage joining(long memberId) {
          return new MemorySimStorage(new MemoryStorage());
        }
      };

  private final MemoryStorage storage;

  private MemorySimStorage(MemoryStorage storage) {
    this.storage = storage;
  }

  @Override
  public RaftStorage raftStorage() {
    return storage;
  }

  @Override
  public void persist(Ready rd) {
    if (rd.snapshot() != null) {
      storage.applySnapshot(rd.snapshot());
    }
    if (!rd.entries().isEmpty()) {
      storage.append(rd.entries());
    }
    if (rd.hardState() != null) {
      storage.setHardState(rd.hardState());
    }
  }

  @Override
  public void flush() {
    // every write is durable at once
  }

  @Override
  public byte[] snapshotStateMachine() {
    return storage.snapshot().data();
  }

  @Override
  public void createSnapshot(long index, ConfState confState, byte[] stateMachine) {
    storage.createSnapshot(index, confState, stateMachine);
  }

  @Override
  public void compact(long compactIndex) {
    storage.compact(compactIndex);
  }

  @Override
  public byte[] shipSnapshot(SnapshotMetadata md) {
    return null;
  }

  @Override
  public void receiveSnapshot(SnapshotMetadata md, byte[] shipped) {
    // the SNAP message carries the state machine itself
  }

  @Override
  public void discardReceivedSnapshot() {
    // nothing was landed
  }

  @Override
  public SimStorage crash() {
    return this;
  }

  @Override
  public void close() {
    // nothing to release
  }
}
