package io.etch.internal.raftlog;

import io.etch.raft.Entry;

/**
 * The most recently appended entries, contiguous in index and bounded by bytes ({@link
 * Entry#sizeBytes()} summed), so that replication to followers and the applier's reads of fresh
 * entries need no WAL read and no payload copy. Entries are immutable and shared with the raft
 * core, so caching them costs only their retention. Oldest entries are evicted first.
 *
 * <p>A circular array of entries: {@code first} is the index of the oldest cached entry, {@code
 * count} how many follow contiguously. Not thread-safe (the raft owner thread owns it).
 */
final class EntryCache {
  private final long maxBytes;
  private Entry[] ring = new Entry[64];
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
    ring[(head + count) & (ring.length - 1)] = e;
    count++;
    bytes += e.sizeBytes();
    while (bytes > maxBytes) {
      evictOldest();
    }
  }

  /** Forgets entries from {@code index} on. */
  void truncateFrom(long index) {
    while (count > 0 && first + count - 1 >= index) {
      int slot = (head + count - 1) & (ring.length - 1);
      bytes -= ring[slot].sizeBytes();
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
    bytes -= ring[head].sizeBytes();
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    count--;
    first++;
  }

  private void grow() {
    Entry[] bigger = new Entry[ring.length * 2];
    for (int i = 0; i < count; i++) {
      bigger[i] = ring[(head + i) & (ring.length - 1)];
    }
    ring = bigger;
    head = 0;
  }
}
