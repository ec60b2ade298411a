package io.etch.storage.snap;

import java.nio.file.Path;

/**
 * The newest snapshot is corrupt and no older one can replace it, because the write-ahead log no
 * longer holds the entries between that older snapshot and the present.
 */
public final class SnapshotUnavailableException extends SnapshotException {
  private static final long serialVersionUID = 1L;
  private final long walFirstIndex;
  private final long bestFallbackIndex;

  public SnapshotUnavailableException(
      Path corruptNewest, long walFirstIndex, long bestFallbackIndex, Throwable cause) {
    super(
        corruptNewest,
        "newest snapshot "
            + corruptNewest
            + " is corrupt and no fallback is usable: the write-ahead log starts at index "
            + walFirstIndex
            + (bestFallbackIndex < 0
                ? " and no valid older snapshot exists"
                : " but the newest valid older snapshot only covers up to " + bestFallbackIndex),
        cause);
    this.walFirstIndex = walFirstIndex;
    this.bestFallbackIndex = bestFallbackIndex;
  }

  public long walFirstIndex() {
    return walFirstIndex;
  }

  /** Index of the newest valid older snapshot, or -1 if there is none. */
  public long bestFallbackIndex() {
    return bestFallbackIndex;
  }
}
