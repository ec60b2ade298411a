package io.etch;

/**
 * The member knows no leader (an election is in progress or it is partitioned) and the request
 * needs one: writes, linearizable reads, lease and membership operations. Transient.
 */
public final class NoLeaderException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;

  public NoLeaderException(long memberId) {
    super("member " + Long.toHexString(memberId) + " has no leader");
    this.memberId = memberId;
  }

  /** The member that had no leader. */
  public long memberId() {
    return memberId;
  }

  @Override
  public Kind kind() {
    return Kind.NO_LEADER;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
