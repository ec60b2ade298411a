package io.etch;

/** The election has no leader at the moment (etcd's {@code ErrElectionNoLeader}). */
public final class NoElectionLeaderException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence electionName;

  public NoElectionLeaderException(ByteSequence electionName) {
    super("election '" + electionName + "' has no leader");
    this.electionName = electionName;
  }

  public ByteSequence electionName() {
    return electionName;
  }

  @Override
  public Kind kind() {
    return Kind.NO_ELECTION_LEADER;
  }
}
