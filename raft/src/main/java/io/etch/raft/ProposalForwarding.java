package io.etch.raft;

/** What a follower does with a proposal (or read-index, transfer) it receives. */
public enum ProposalForwarding {
  /** Forward it to the leader as a message. */
  FORWARD_TO_LEADER,
  /** Refuse it with {@link DropReason#NOT_LEADER}, naming the leader so the caller can redirect. */
  REJECT_WITH_LEADER_HINT
}
