package io.etch;

import java.util.Objects;

/**
 * Move-leader named a member that cannot lead: unknown, a learner, or not caught up (etcd's {@code
 * ErrBadLeaderTransferee}).
 */
public final class BadLeaderTransfereeException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;
  private final String reason;

  public BadLeaderTransfereeException(long memberId, String reason) {
    super("cannot move leadership to member " + Long.toHexString(memberId) + ": " + reason);
    this.memberId = memberId;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public long memberId() {
    return memberId;
  }

  public String reason() {
    return reason;
  }

  @Override
  public Kind kind() {
    return Kind.BAD_LEADER_TRANSFEREE;
  }
}
