package io.etch;

/**
 * Promote named a learner that has not caught up with the leader yet (etcd's {@code
 * ErrLearnerNotReady}: a learner is promoted only when its match index reaches 90% of the
 * leader's). Transient: retry once it has caught up.
 */
public final class LearnerNotReadyException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;
  private final long matchIndex;
  private final long leaderIndex;

  public LearnerNotReadyException(long memberId, long matchIndex, long leaderIndex) {
    super(
        "learner "
            + Long.toHexString(memberId)
            + " is not ready to be promoted: it has log index "
            + matchIndex
            + ", leader has "
            + leaderIndex);
    this.memberId = memberId;
    this.matchIndex = matchIndex;
    this.leaderIndex = leaderIndex;
  }

  public long memberId() {
    return memberId;
  }

  public long matchIndex() {
    return matchIndex;
  }

  public long leaderIndex() {
    return leaderIndex;
  }

  @Override
  public Kind kind() {
    return Kind.LEARNER_NOT_READY;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
