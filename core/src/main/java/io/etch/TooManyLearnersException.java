package io.etch;

/**
 * Adding a learner would exceed the node's {@code maxLearners} (etcd's {@code ErrTooManyLearners}).
 */
public final class TooManyLearnersException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final int limit;

  public TooManyLearnersException(int limit) {
    super("the cluster already has " + limit + " learner(s), the limit (maxLearners)");
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }

  @Override
  public Kind kind() {
    return Kind.TOO_MANY_LEARNERS;
  }
}
