package io.etch;

/** Promote named a member that is already a voter (etcd's {@code ErrMemberNotLearner}). */
public final class NotLearnerException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;

  public NotLearnerException(long memberId) {
    super("member " + Long.toHexString(memberId) + " is not a learner");
    this.memberId = memberId;
  }

  public long memberId() {
    return memberId;
  }

  @Override
  public Kind kind() {
    return Kind.NOT_LEARNER;
  }
}
