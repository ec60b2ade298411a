package io.etch.transport;

/** The peer answered a forwarded request with a failure {@link ForwardStatus}. */
public final class ForwardRefusedException extends ForwardException {
  private static final long serialVersionUID = 1L;
  private final ForwardStatus status;

  public ForwardRefusedException(long memberId, ForwardStatus status) {
    super(memberId, "refused: " + status + " (" + status.reason() + ")");
    this.status = status;
  }

  public ForwardStatus status() {
    return status;
  }
}
