package io.etch.transport;

import io.etch.transport.codec.HandshakeStatus;

/** A peer refused our handshake, or we refused theirs. */
public final class HandshakeRefusedException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final long memberId;
  private final HandshakeStatus status;

  public HandshakeRefusedException(long memberId, HandshakeStatus status, String detail) {
    super(
        "handshake with member " + memberId + " refused: " + status.reason() + " (" + detail + ")");
    this.memberId = memberId;
    this.status = status;
  }

  public long memberId() {
    return memberId;
  }

  public HandshakeStatus status() {
    return status;
  }
}
