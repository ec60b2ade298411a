package io.etch.internal.node;

import io.etch.raft.Entry;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.storage.InitialState;
import io.etch.raft.storage.MemoryStorage;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RaftLogStore} over {@link MemoryStorage}: "durable" for the life of the process only. A
 * node restarted with it starts from an empty log, so it is only correct for members that never
 * restart with their old identity.
 */
public final class MemoryRaftLogStore implements RaftLogStore {
  private final MemoryStorage storage;

  public MemoryRaftLogStore(MemoryStorage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  @Override
  public void persist(Ready ready) {
    Snapshot snapshot = ready.snapshot();
    if (snapshot != null && !snapshot.isEmpty()) {
      storage.applySnapshot(snapshot);
    }
    if (!ready.entries().isEmpty()) {
      storage.append(ready.entries());
    }
    if (ready.hardState() != null) {
      storage.setHardState(ready.hardState());
    }
  }

  @Override
  public InitialState initialState() {
    return storage.initialState();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    return storage.entries(lo, hi, maxBytes);
  }

  @Override
  public long term(long index) {
    return storage.term(index);
  }

  @Override
  public long firstIndex() {
    return storage.firstIndex();
  }

  @Override
  public long lastIndex() {
    return storage.lastIndex();
  }

  @Override
  public Snapshot snapshot() {
    return storage.snapshot();
  }

  @Override
  public void close() {}
}
