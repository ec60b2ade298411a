package io.etch.storage.mvcc;

import java.util.Arrays;

/**
 * The new heads a write (or a write batch) produced, in write order, waiting to be published in the
 * {@link HeadIndex} just before the view that holds them. The writer keeps one per store and reuses
 * it, so recording a head allocates nothing once the array has grown.
 *
 * <p>Writer thread only.
 */
final class HeadBuffer {
  private Object[] pairs = new Object[16]; // key, head, key, head...
  private int slots;

  /** Appends the new head of {@code key}. */
  void add(byte[] key, Version head) {
    if (slots == pairs.length) {
      pairs = Arrays.copyOf(pairs, 2 * pairs.length);
    }
    pairs[slots++] = key;
    pairs[slots++] = head;
  }

  /** The number of heads recorded. */
  int size() {
    return slots >>> 1;
  }

  /** Drops the heads recorded after the first {@code size}. */
  void truncate(int size) {
    Arrays.fill(pairs, 2 * size, slots, null);
    slots = 2 * size;
  }

  /** Writes every recorded head into {@code index} in order (a later one wins) and empties. */
  void publishTo(HeadIndex index) {
    for (int i = 0; i < slots; i += 2) {
      index.put((byte[]) pairs[i], (Version) pairs[i + 1]);
    }
    truncate(0);
  }
}
