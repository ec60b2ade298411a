package io.etch.storage.wal;

/**
 * An index outside what the operation accepts: an append that is not the next index, a read or
 * truncation outside [firstIndex, lastIndex + 1], a release past the latest snapshot marker.
 */
public final class WalIndexException extends WalException {
  private static final long serialVersionUID = 1L;
  private final long index;
  private final long lowestAllowed;
  private final long highestAllowed;

  public WalIndexException(String operation, long index, long lowestAllowed, long highestAllowed) {
    super(
        operation
            + " of index "
            + index
            + " outside the allowed range ["
            + lowestAllowed
            + ", "
            + highestAllowed
            + "]",
        null);
    this.index = index;
    this.lowestAllowed = lowestAllowed;
    this.highestAllowed = highestAllowed;
  }

  public long index() {
    return index;
  }

  public long lowestAllowed() {
    return lowestAllowed;
  }

  public long highestAllowed() {
    return highestAllowed;
  }
}
