package io.etch.transport;

/** Base of the typed failures of {@link PeerTransport#forward}; names the peer asked. */
public abstract class ForwardException extends TransportException {
  private static final long serialVersionUID = 1L;
  private final long memberId;

  protected ForwardException(long memberId, String message) {
    super("forward to member " + memberId + ": " + message);
    this.memberId = memberId;
  }

  /** The peer the request was for. */
  public long memberId() {
    return memberId;
  }
}
