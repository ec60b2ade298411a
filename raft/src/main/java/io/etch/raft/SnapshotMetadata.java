package io.etch.raft;

import java.util.Objects;

/**
 * Where a snapshot stands in the log and which membership it carries.
 *
 * @param index the last log index the snapshot includes
 * @param term the term of that entry
 * @param confState the membership as of {@code index}
 */
public record SnapshotMetadata(long index, long term, ConfState confState) {
  public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);

  public SnapshotMetadata {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException(
          "snapshot index and term must be >= 0, got index=" + index + " term=" + term);
    }
    Objects.requireNonNull(confState, "confState");
  }

  public boolean isEmpty() {
    return index == 0;
  }
}
