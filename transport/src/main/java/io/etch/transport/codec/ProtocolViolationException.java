package io.etch.transport.codec;

import io.etch.transport.TransportException;

/** A well-formed frame that the connection's role or state does not allow. */
public final class ProtocolViolationException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ProtocolViolationException(String message) {
    super(message);
  }
}
