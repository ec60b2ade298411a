package io.etch.transport;

import io.etch.transport.codec.MalformedFrameException;

/** The transport-level outcome of a forwarded request, carried by FORWARD_RESPONSE. */
public enum ForwardStatus {
  /** The peer's node answered; the payload is its answer. */
  OK(0, "answered"),
  /** The peer has {@code maxForwardsInFlightPerPeer} requests of ours unanswered already. */
  BUSY(1, "too many requests in flight at the receiver"),
  /** The peer's node does not handle this kind of request. */
  UNSUPPORTED(2, "kind not handled by the receiver"),
  /** The peer's node failed while handling the request. */
  FAILED(3, "the receiver failed to handle it"),
  /** The peer's answer was larger than its {@code maxForwardPayloadBytes}. */
  TOO_LARGE(4, "the answer exceeds maxForwardPayloadBytes");

  private static final ForwardStatus[] BY_CODE = values();

  private final int code;
  private final String reason;

  ForwardStatus(int code, String reason) {
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
  public static ForwardStatus fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new MalformedFrameException("unknown forward status code " + code);
    }
    return BY_CODE[code];
  }
}
