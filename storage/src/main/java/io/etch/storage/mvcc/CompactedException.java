package io.etch.storage.mvcc;

/** A read, watch or compaction asked for a revision that compaction already removed. */
public final class CompactedException extends MvccException {
  private static final long serialVersionUID = 1L;

  private final long compactedRevision;

  public CompactedException(long compactedRevision) {
    super(
        "mvcc: required revision has been compacted (compacted revision "
            + compactedRevision
            + ")");
    this.compactedRevision = compactedRevision;
  }

  /** The store's compacted revision. */
  public long compactedRevision() {
    return compactedRevision;
  }
}
