package io.etch.internal.lease;

import java.util.Arrays;
import org.agrona.collections.Long2LongHashMap;

/**
 * A binary min-heap of (deadline, lease id), at most one entry per lease, ordered by deadline and
 * then by id so that equal deadlines come out in a deterministic order. Updating or removing a
 * lease's entry is O(log n) through an id-to-slot index. Primitive arrays, no boxing: a leader with
 * millions of leases keeps one of these for expiries and one for checkpoints.
 */
final class DeadlineHeap {
  private static final long NO_SLOT = -1;

  private long[] deadlines = new long[16];
  private long[] ids = new long[16];
  private final Long2LongHashMap slots = new Long2LongHashMap(NO_SLOT);
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The earliest deadline; the heap must not be empty. */
  long peekDeadline() {
    requireNotEmpty();
    return deadlines[0];
  }

  /** The lease with the earliest deadline; the heap must not be empty. */
  long peekId() {
    requireNotEmpty();
    return ids[0];
  }

  boolean contains(long id) {
    return slots.get(id) != NO_SLOT;
  }

  /** Sets the deadline of {@code id}, adding it if absent. */
  void upsert(long id, long deadline) {
    int slot = (int) slots.get(id);
    if (slot == NO_SLOT) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        deadlines = Arrays.copyOf(deadlines, size * 2);
      }
      slot = size++;
      ids[slot] = id;
      deadlines[slot] = deadline;
      slots.put(id, slot);
      siftUp(slot);
      return;
    }
    long old = deadlines[slot];
    deadlines[slot] = deadline;
    if (deadline < old) {
      siftUp(slot);
    } else {
      siftDown(slot);
    }
  }

  /** Removes the entry of {@code id}, if any. */
  void remove(long id) {
    int slot = (int) slots.remove(id);
    if (slot == NO_SLOT) {
      return;
    }
    int last = --size;
    if (slot != last) {
      move(last, slot);
      siftDown(slot);
      siftUp(slot);
    }
  }

  /** Removes and returns the lease with the earliest deadline. */
  long poll() {
    long id = peekId();
    remove(id);
    return id;
  }

  void clear() {
    size = 0;
    slots.clear();
  }

  private void siftUp(int slot) {
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (!less(slot, parent)) {
        return;
      }
      swap(slot, parent);
      slot = parent;
    }
  }

  private void siftDown(int slot) {
    while (true) {
      int left = 2 * slot + 1;
      if (left >= size) {
        return;
      }
      int smallest = left;
      int right = left + 1;
      if (right < size && less(right, left)) {
        smallest = right;
      }
      if (!less(smallest, slot)) {
        return;
      }
      swap(slot, smallest);
      slot = smallest;
    }
  }

  private boolean less(int a, int b) {
    return deadlines[a] < deadlines[b] || (deadlines[a] == deadlines[b] && ids[a] < ids[b]);
  }

  private void swap(int a, int b) {
    long id = ids[a];
    long deadline = deadlines[a];
    ids[a] = ids[b];
    deadlines[a] = deadlines[b];
    ids[b] = id;
    deadlines[b] = deadline;
    slots.put(ids[a], a);
    slots.put(ids[b], b);
  }

  private void move(int from, int to) {
    ids[to] = ids[from];
    deadlines[to] = deadlines[from];
    slots.put(ids[to], to);
  }

  private void requireNotEmpty() {
    if (size == 0) {
      throw new IllegalStateException("the deadline heap is empty");
    }
  }
}
