package io.etch;

/**
 * A transaction has more compares, success ops or failure ops than the node's {@code maxTxnOps}
 * (etcd's {@code ErrTooManyOps}; 128 by default). As in etcd, the count is the largest of the three
 * lists, each checked on its own.
 */
public final class TooManyTxnOpsException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final int count;
  private final int limit;

  public TooManyTxnOpsException(int count, int limit) {
    super("transaction has " + count + " operations in one branch, above the limit of " + limit);
    this.count = count;
    this.limit = limit;
  }

  public int count() {
    return count;
  }

  public int limit() {
    return limit;
  }

  @Override
  public Kind kind() {
    return Kind.TOO_MANY_TXN_OPS;
  }
}
