package io.etch.raft;

/** The outcome of sending a snapshot to a follower, reported by the node. */
public enum SnapshotStatus {
  FINISHED,
  FAILURE
}
