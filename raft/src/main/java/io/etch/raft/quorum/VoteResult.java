package io.etch.raft.quorum;

/** The outcome of counting votes (or acknowledgements) against a majority configuration. */
public enum VoteResult {
  /** Not decided yet: some voters have not answered. */
  PENDING,
  /** A majority refused: the election is lost. */
  LOST,
  /** A majority granted. */
  WON
}
