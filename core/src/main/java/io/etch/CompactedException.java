package io.etch;

/**
 * The requested revision was compacted away (etcd's {@code ErrCompacted}): reads at, and watches
 * from, a revision below the compaction revision are refused, and so is compacting to a revision at
 * or below the current compaction revision. Carries the compaction revision: the oldest revision
 * still readable, from which a watcher can restart after re-reading state.
 */
public final class CompactedException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long compactedRevision;
  private final long requestedRevision;

  public CompactedException(long compactedRevision, long requestedRevision) {
    super(
        "revision "
            + requestedRevision
            + " has been compacted (compacted revision is "
            + compactedRevision
            + ")");
    this.compactedRevision = compactedRevision;
    this.requestedRevision = requestedRevision;
  }

  /** The revision the store is compacted to: history at or below it is gone. */
  public long compactedRevision() {
    return compactedRevision;
  }

  public long requestedRevision() {
    return requestedRevision;
  }

  @Override
  public Kind kind() {
    return Kind.COMPACTED;
  }
}
