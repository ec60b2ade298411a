package io.etch.transport;

/**
 * The answer channel of one forwarded request ({@link Inbound#onForward}). Exactly one of the
 * methods takes effect (later calls are ignored); any thread may call it, at any later time. If the
 * requester's connection closed meanwhile the answer is dropped (the requester has already failed
 * the call with {@link PeerUnavailableException}).
 */
public interface ForwardReply {
  /**
   * Answers with {@code payload}; a payload over {@code maxForwardPayloadBytes} is sent as {@link
   * ForwardStatus#TOO_LARGE}.
   */
  void complete(byte[] payload);

  /** Answers with a failure status (not {@link ForwardStatus#OK}). */
  void refuse(ForwardStatus status);
}
