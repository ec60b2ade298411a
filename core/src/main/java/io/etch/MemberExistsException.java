package io.etch;

import java.util.Objects;

/**
 * An added member clashes with an existing one: same member id (so the same name under the cluster
 * token) or same peer address (etcd's {@code ErrIDExists} / {@code ErrPeerURLexists}).
 */
public final class MemberExistsException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long memberId;
  private final PeerAddress peerAddress;

  public MemberExistsException(long memberId, PeerAddress peerAddress) {
    super(
        "member "
            + Long.toHexString(memberId)
            + " at "
            + peerAddress
            + " clashes with an existing member (same id or same peer address)");
    this.memberId = memberId;
    this.peerAddress = Objects.requireNonNull(peerAddress, "peerAddress");
  }

  /** The id of the existing member that clashes. */
  public long memberId() {
    return memberId;
  }

  public PeerAddress peerAddress() {
    return peerAddress;
  }

  @Override
  public Kind kind() {
    return Kind.MEMBER_EXISTS;
  }
}
