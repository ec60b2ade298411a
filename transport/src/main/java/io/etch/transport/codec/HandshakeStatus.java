package io.etch.transport.codec;

/** Outcome of a handshake, carried by HELLO_ACK. */
public enum HandshakeStatus {
  ACCEPTED(0, "accepted"),
  BAD_VERSION(1, "unsupported protocol version"),
  WRONG_CLUSTER(2, "peer belongs to another cluster"),
  UNKNOWN_MEMBER(3, "sender is not a known member"),
  WRONG_RECEIVER(4, "connection meant for another member"),
  IDENTITY_MISMATCH(5, "TLS certificate does not name the claimed member"),
  REMOVED_MEMBER(6, "sender was removed from the cluster");

  private final int code;
  private final String reason;

  HandshakeStatus(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /**
   * The status with this code.
   *
   * @throws MalformedFrameException naming the code when none has it
   */
  public static HandshakeStatus fromCode(int code) {
    for (HandshakeStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new MalformedFrameException("unknown handshake status " + code);
  }
}
