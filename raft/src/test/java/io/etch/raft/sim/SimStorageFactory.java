package io.etch.raft.sim;

import io.etch.raft.Snapshot;

/**
 * Creates the durable storage of each simulated member. One factory serves one {@link Simulation}
 * run; any randomness it uses must derive from a seed it was given, so runs replay.
 */
public interface SimStorageFactory {
  /**
   * The storage of a founding member: bootstrapped from {@code initial} (index 1, term 1, the
   * founding membership; its data is the empty state machine), with hard state (term 1, no vote,
   * commit 1).
   */
  SimStorage bootstrap(long memberId, Snapshot initial);

  /** The empty storage of a member joining later; it learns its membership by snapshot. */
  SimStorage joining(long memberId);

  /** The default: {@link io.etch.raft.storage.MemoryStorage}, every write durable at once. */
  static SimStorageFactory memory() {
    return MemorySimStorage.FACTORY;
  }
}
