package io.etch.storage.mvcc;

/** A transaction has more compares or operations in one list than the configured limit. */
public final class TooManyTxnOpsException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final int count;
  private final int limit;

  public TooManyTxnOpsException(int count, int limit) {
    super("too many operations in txn request: " + count + " > limit " + limit);
    this.count = count;
    this.limit = limit;
  }

  public int count() {
    return count;
  }

  public int limit() {
    return limit;
  }
}
