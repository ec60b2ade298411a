package io.etch.storage.mvcc;

/** A range asked for a negative limit. */
public final class NegativeLimitException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  public NegativeLimitException(long limit) {
    super("limit must not be negative, got " + limit);
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
