package io.etch.storage.wal;

import org.agrona.collections.LongArrayList;

/**
 * The in-memory index of live entries: entry {@code firstIndex + i} lives at packed position {@code
 * positions[i]} (see {@link Segment#pack}). Live entries are contiguous in index and increasing in
 * position. Shared by recovery and the live log so both apply records identically.
 */
final class LogIndex {
  private LongArrayList positions = new LongArrayList();
  private long firstIndex;
  private long nextIndex;

  LogIndex(long nextIndex) {
    this.firstIndex = nextIndex;
    this.nextIndex = nextIndex;
  }

  long firstIndex() {
    return firstIndex;
  }

  long nextIndex() {
    return nextIndex;
  }

  boolean contains(long index) {
    return index >= firstIndex && index < nextIndex;
  }

  long position(long index) {
    return positions.getLong((int) (index - firstIndex));
  }

  void append(long packedPosition) {
    positions.addLong(packedPosition);
    nextIndex++;
  }

  /** Removes entries from {@code fromIndex} on; below the first index it empties the index. */
  void truncateFrom(long fromIndex) {
    if (fromIndex <= firstIndex) {
      positions.clear();
      firstIndex = fromIndex;
    } else {
      int keep = (int) (fromIndex - firstIndex);
      while (positions.size() > keep) {
        positions.removeAt(positions.size() - 1);
      }
    }
    nextIndex = fromIndex;
  }

  /** Empties the index; the next entry must be {@code nextIndex}. */
  void reset(long newNextIndex) {
    positions.clear();
    firstIndex = newNextIndex;
    nextIndex = newNextIndex;
  }

  /** Forgets entries held in segments below {@code sequence}. */
  void dropSegmentsBelow(long sequence) {
    int drop = 0;
    while (drop < positions.size() && Segment.sequenceOf(positions.getLong(drop)) < sequence) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    LongArrayList kept = new LongArrayList(Math.max(16, positions.size() - drop), Long.MIN_VALUE);
    for (int i = drop; i < positions.size(); i++) {
      kept.addLong(positions.getLong(i));
    }
    positions = kept;
    firstIndex += drop;
  }
}
