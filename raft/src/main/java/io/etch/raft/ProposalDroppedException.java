package io.etch.raft;

/**
 * A proposal (or read-index request, or leadership transfer) was refused; nothing was appended.
 * Carries the typed {@link DropReason} and, when known, the leader to retry against.
 */
public final class ProposalDroppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final DropReason reason;
  private final long leaderId;

  public ProposalDroppedException(DropReason reason, long leaderId, String detail) {
    super(
        reason
            + (leaderId != Message.NONE ? " (leader " + leaderId + ")" : "")
            + (detail == null ? "" : ": " + detail),
        null,
        false,
        false);
    this.reason = reason;
    this.leaderId = leaderId;
  }

  public DropReason reason() {
    return reason;
  }

  /** The leader known at refusal time, or {@link Message#NONE}. */
  public long leaderId() {
    return leaderId;
  }
}
