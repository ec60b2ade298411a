package io.etch.raft.tracker;

/** How the leader currently replicates to one follower. */
public enum ProgressState {
  /** One append at a time until the follower's position is known. */
  PROBE,
  /** Position known: appends are pipelined optimistically within the inflight window. */
  REPLICATE,
  /** The follower needs a snapshot; appends pause until it reports back. */
  SNAPSHOT
}
