package io.etch.raft.storage;

/** The requested index was compacted away; the caller needs the snapshot instead. */
public final class CompactedException extends RaftStorageException {
  private static final long serialVersionUID = 1L;
  private final long index;
  private final long firstIndex;

  public CompactedException(long index, long firstIndex) {
    super("index " + index + " is compacted; first available index is " + firstIndex);
    this.index = index;
    this.firstIndex = firstIndex;
  }

  public long index() {
    return index;
  }

  public long firstIndex() {
    return firstIndex;
  }
}
