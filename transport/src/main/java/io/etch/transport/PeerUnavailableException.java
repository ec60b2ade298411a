package io.etch.transport;

/**
 * A forwarded request could not reach the peer, or its connection was lost before the answer: the
 * peer is unknown, not connected (yet), gone, or the transport is closed. Retry later, possibly at
 * another member.
 */
public final class PeerUnavailableException extends ForwardException {
  private static final long serialVersionUID = 1L;

  public PeerUnavailableException(long memberId, String reason) {
    super(memberId, reason);
  }
}
