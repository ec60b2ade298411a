package io.etch;

/**
 * The requested revision is newer than the store's current revision (etcd's {@code ErrFutureRev}),
 * for a read at a revision or a compaction.
 */
public final class FutureRevisionException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long requestedRevision;
  private final long currentRevision;

  public FutureRevisionException(long requestedRevision, long currentRevision) {
    super(
        "revision "
            + requestedRevision
            + " is a future revision (current revision is "
            + currentRevision
            + ")");
    this.requestedRevision = requestedRevision;
    this.currentRevision = currentRevision;
  }

  public long requestedRevision() {
    return requestedRevision;
  }

  public long currentRevision() {
    return currentRevision;
  }

  @Override
  public Kind kind() {
    return Kind.FUTURE_REVISION;
  }
}
