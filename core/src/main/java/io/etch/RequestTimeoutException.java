package io.etch;

import java.time.Duration;
import java.util.Objects;

/**
 * An operation did not complete within its timeout (the node's {@code requestTimeout}, etcd's
 * "request timed out"). The outcome of a write that timed out is unknown: it may still be applied
 * later.
 */
public final class RequestTimeoutException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final Duration timeout;

  public RequestTimeoutException(String operation, Duration timeout) {
    super(operation + " timed out after " + timeout.toMillis() + " ms");
    this.operation = Objects.requireNonNull(operation, "operation");
    this.timeout = timeout;
  }

  /** The operation that timed out, e.g. {@code "put"} or {@code "lease grant"}. */
  public String operation() {
    return operation;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public Kind kind() {
    return Kind.REQUEST_TIMEOUT;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
