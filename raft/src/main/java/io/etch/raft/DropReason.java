package io.etch.raft;

/** Why a proposal, read-index request or leadership transfer was refused. */
public enum DropReason {
  /** No leader is known (an election is under way). */
  NO_LEADER,
  /** The leader is handing leadership over and accepts nothing until it is done. */
  LEADERSHIP_TRANSFER_IN_PROGRESS,
  /** The leader's uncommitted log would exceed {@code maxUncommittedEntriesBytes}. */
  UNCOMMITTED_SIZE_LIMIT,
  /** This member is not the leader and forwarding is disabled; see the leader hint. */
  NOT_LEADER,
  /** A membership change is proposed but not yet applied; one at a time. */
  CONF_CHANGE_IN_PROGRESS,
  /** The membership change is invalid against the current membership. */
  INVALID_CONF_CHANGE,
  /** This member was removed from the cluster (or is a learner asked to lead). */
  NOT_A_MEMBER,
  /** Too many read-index requests are waiting for confirmation. */
  READ_INDEX_QUEUE_FULL
}
