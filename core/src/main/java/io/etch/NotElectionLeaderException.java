package io.etch;

/**
 * A proclaim or resign by a campaigner that is no longer the leader of its election (etcd's {@code
 * ErrElectionNotLeader}): its key was deleted or its session is gone.
 */
public final class NotElectionLeaderException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence electionName;

  public NotElectionLeaderException(ByteSequence electionName) {
    super("not the leader of election '" + electionName + "'");
    this.electionName = electionName;
  }

  public ByteSequence electionName() {
    return electionName;
  }

  @Override
  public Kind kind() {
    return Kind.NOT_ELECTION_LEADER;
  }
}
