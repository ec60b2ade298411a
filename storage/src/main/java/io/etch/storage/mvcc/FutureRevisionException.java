package io.etch.storage.mvcc;

/** A read or compaction asked for a revision the store has not reached. */
public final class FutureRevisionException extends MvccException {
  private static final long serialVersionUID = 1L;

  private final long requestedRevision;
  private final long currentRevision;

  public FutureRevisionException(long requestedRevision, long currentRevision) {
    super(
        "mvcc: required revision "
            + requestedRevision
            + " is a future revision (current "
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
}
