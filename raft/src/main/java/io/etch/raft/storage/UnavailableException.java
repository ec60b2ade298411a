package io.etch.raft.storage;

/** The requested index is beyond the last index the storage holds. */
public final class UnavailableException extends RaftStorageException {
  private static final long serialVersionUID = 1L;
  private final long index;
  private final long lastIndex;

  public UnavailableException(long index, long lastIndex) {
    super("index " + index + " is unavailable; last index is " + lastIndex);
    this.index = index;
    this.lastIndex = lastIndex;
  }

  public long index() {
    return index;
  }

  public long lastIndex() {
    return lastIndex;
  }
}
