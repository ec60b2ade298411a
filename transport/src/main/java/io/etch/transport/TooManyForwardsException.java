package io.etch.transport;

/** {@code maxForwardsInFlightPerPeer} requests to this peer are unanswered already. */
public final class TooManyForwardsException extends ForwardException {
  private static final long serialVersionUID = 1L;
  private final int limit;

  public TooManyForwardsException(long memberId, int limit) {
    super(memberId, limit + " requests in flight, the limit maxForwardsInFlightPerPeer");
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }
}
