package io.etch;

/**
 * The operation must be asked of the leader and this member does not lead (etcd's {@code
 * ErrNotLeader}, which {@code MoveLeader} returns on a follower). {@link #leaderId()} names the
 * member to ask instead.
 */
public final class NotLeaderException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final long leaderId;

  public NotLeaderException(String operation, long leaderId) {
    super(operation + " must be asked of the leader, member " + Long.toHexString(leaderId));
    this.operation = operation;
    this.leaderId = leaderId;
  }

  public String operation() {
    return operation;
  }

  /** The leader's member id as this member knows it. */
  public long leaderId() {
    return leaderId;
  }

  @Override
  public Kind kind() {
    return Kind.NOT_LEADER;
  }
}
