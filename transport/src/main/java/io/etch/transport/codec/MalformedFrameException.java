package io.etch.transport.codec;

import io.etch.transport.TransportException;

/** A frame that does not follow its descriptor; the connection that sent it is closed. */
public final class MalformedFrameException extends TransportException {
  private static final long serialVersionUID = 1L;

  public MalformedFrameException(String message) {
    super(message);
  }

  public MalformedFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
