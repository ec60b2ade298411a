package io.etch.storage.wal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory index of live entries: entry {@code firstIndex + i} lives at packed position {@code
 * positions[i]} (see {@link Segment#pack}). Live entries are contiguous in index and increasing in
 * position. Shared by recovery and the live log so both apply records identically.
 *
 * <p>Positions are kept in fixed pages of {@link #PAGE_LENGTH} primitive longs rather than one
 * growing array: an append never copies the index (a growing array copies all of it on each growth,
 * megabytes for a long log, on the appending thread), and pages emptied by {@link
 * #dropSegmentsBelow} or {@link #truncateFrom} are kept (up to {@link #MAX_SPARE_PAGES}) and
 * reused, so a log whose prefix is released after snapshots appends without allocating at all.
 */
final class LogIndex {
  /** Longs per page (32 KiB). */
  static final int PAGE_LENGTH = 1 << 12;

  private static final int PAGE_SHIFT = 12;
  private static final int PAGE_MASK = PAGE_LENGTH - 1;

  /** Emptied pages kept for reuse. */
  static final int MAX_SPARE_PAGES = 8;

  private final List<long[]> pages = new ArrayList<>();
  private final ArrayDeque<long[]> spare = new ArrayDeque<>();

  /** Slot of {@code firstIndex} in the first page. */
  private int head;

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
    int slot = slot(index);
    return pages.get(slot >>> PAGE_SHIFT)[slot & PAGE_MASK];
  }

  void append(long packedPosition) {
    int slot = slot(nextIndex);
    int page = slot >>> PAGE_SHIFT;
    if (page == pages.size()) {
      pages.add(spare.isEmpty() ? new long[PAGE_LENGTH] : spare.pop());
    }
    pages.get(page)[slot & PAGE_MASK] = packedPosition;
    nextIndex++;
  }

  /** Removes entries from {@code fromIndex} on; below the first index it empties the index. */
  void truncateFrom(long fromIndex) {
    if (fromIndex <= firstIndex) {
      reset(fromIndex);
      return;
    }
    nextIndex = fromIndex;
    int pagesNeeded = ((slot(nextIndex) - 1) >>> PAGE_SHIFT) + 1;
    while (pages.size() > pagesNeeded) {
      recycle(pages.remove(pages.size() - 1));
    }
  }

  /** Empties the index; the next entry must be {@code nextIndex}. */
  void reset(long newNextIndex) {
    while (!pages.isEmpty()) {
      recycle(pages.remove(pages.size() - 1));
    }
    head = 0;
    firstIndex = newNextIndex;
    nextIndex = newNextIndex;
  }

  /** Forgets entries held in segments below {@code sequence}. */
  void dropSegmentsBelow(long sequence) {
    long drop = 0;
    long live = nextIndex - firstIndex;
    while (drop < live && Segment.sequenceOf(position(firstIndex + drop)) < sequence) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    if (drop == live) {
      reset(nextIndex);
      return;
    }
    firstIndex += drop;
    head += (int) drop;
    while (head >= PAGE_LENGTH) {
      recycle(pages.remove(0));
      head -= PAGE_LENGTH;
    }
  }

  private int slot(long index) {
    return head + (int) (index - firstIndex);
  }

  private void recycle(long[] page) {
    if (spare.size() < MAX_SPARE_PAGES) {
      spare.push(page);
    }
  }
}
