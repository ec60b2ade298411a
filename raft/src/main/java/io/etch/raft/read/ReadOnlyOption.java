package io.etch.raft.read;

/** How the leader serves read-index requests. */
public enum ReadOnlyOption {
  /**
   * ReadIndex (§6.4): the leader records its commit index and confirms it is still leader with a
   * round of heartbeats acknowledged by a quorum before answering. Safe under any clock behaviour.
   */
  SAFE,
  /**
   * Lease: the leader answers from its commit index at once, trusting that no other leader can
   * exist within an election timeout of its last quorum contact. Needs check-quorum and bounded
   * clock drift.
   */
  LEASE_BASED
}
