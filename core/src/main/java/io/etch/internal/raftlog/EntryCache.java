package io.etch.internal.raftlog;

import io.etch.raft.Entry;

/**
 * The most recently appended entries, contiguous in index and bounded by bytes ({@link
 * Entry#sizeBytes()} summed), so that replication to followers and the applier's reads of fresh
 * entries need no WAL read and no payload copy. Entries are immutable and shared with the raft
 * core, so caching them costs only their retention. Oldest entries are evicted first.
 *
 * <p>A circular array of entries: {@code first} is the index of the oldest cached entry, {@code
 * count} how many follow contiguously. A second ring holds each entry's size, so that evicting the
 * oldest entry, which happens on nearly every append once the cache is full, does not reach the
 * entry and its payload (both long out of the CPU caches by then: two misses per append, 5% of the
 * raft owner threads' samples in the 3-member put benchmark). Not thread-safe (the raft owner
 * thread owns it).
 */
final class EntryCache {
  private final long maxBytes;
  private Entry[] ring = new Entry[64];
  private long[] sizes = new long[64];
  private int head;
  private int count;
  private long first;
  private long bytes;

  EntryCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The cached entry at {@code index}, or null. */
  Entry get(long index) {
    if (count == 0 || index < first || index >= first + count) {
      return null;
    }
    return ring[(head + (int) (index - first)) & (ring.length - 1)];
  }

  /** Index of the oldest cached entry, or -1 when empty. */
  long firstIndex() {
    return count == 0 ? -1 : first;
  }

  long sizeBytes() {
    return bytes;
  }

  /** Caches {@code e}; a non-contiguous index restarts the cache at it. */
  void append(Entry e) {
    if (maxBytes == 0 || e.sizeBytes() > maxBytes) {
      clear();
      return;
    }
    if (count > 0 && e.index() != first + count) {
      if (e.index() > first && e.index() < first + count) {
        truncateFrom(e.index());
      } else {
        clear();
      }
    }
    if (count == 0) {
      first = e.index();
    }
    if (count == ring.length) {
      grow();
    }
    int slot = (head + count) & (ring.length - 1);
    long size = e.sizeBytes();
    ring[slot] = e;
    sizes[slot] = size;
    count++;
    bytes += size;
    while (bytes > maxBytes) {
      evictOldest();
    }
  }

  /** Forgets entries from {@code index} on. */
  void truncateFrom(long index) {
    while (count > 0 && first + count - 1 >= index) {
      int slot = (head + count - 1) & (ring.length - 1);
      bytes -= sizes[slot];
      ring[slot] = null;
      count--;
    }
  }

  /** Forgets entries below {@code index}. */
  void dropBelow(long index) {
    while (count > 0 && first < index) {
      evictOldest();
    }
  }

  void clear() {
    java.util.Arrays.fill(ring, null);
    head = 0;
    count = 0;
    bytes = 0;
  }

  private void evictOldest() {
    bytes -= sizes[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    count--;
    first++;
  }

  private void grow() {
    Entry[] bigger = new Entry[ring.length * 2];
    long[] biggerSizes = new long[ring.length * 2];
    for (int i = 0; i < count; i++) {
      int slot = (head + i) & (ring.length - 1);
      bigger[i] = ring[slot];
      biggerSizes[i] = sizes[slot];
    }
    ring = bigger;
    sizes = biggerSizes;
    head = 0;
  }
}
