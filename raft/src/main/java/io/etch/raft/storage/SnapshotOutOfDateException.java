package io.etch.raft.storage;

/** A snapshot older than the one the storage already holds was offered. */
public final class SnapshotOutOfDateException extends RaftStorageException {
  private static final long serialVersionUID = 1L;
  private final long offeredIndex;
  private final long currentIndex;

  public SnapshotOutOfDateException(long offeredIndex, long currentIndex) {
    super(
        "snapshot at index "
            + offeredIndex
            + " is older than the stored snapshot at index "
            + currentIndex);
    this.offeredIndex = offeredIndex;
    this.currentIndex = currentIndex;
  }

  public long offeredIndex() {
    return offeredIndex;
  }

  public long currentIndex() {
    return currentIndex;
  }
}
