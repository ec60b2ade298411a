package io.etch.transport;

import java.time.Duration;

/** No answer to a forwarded request within the transport's {@code forwardTimeout}. */
public final class ForwardTimeoutException extends ForwardException {
  private static final long serialVersionUID = 1L;
  private final Duration timeout;

  public ForwardTimeoutException(long memberId, Duration timeout) {
    super(memberId, "no answer within " + timeout);
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }
}
