package io.etch.internal.watch;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The synced range watchers, indexed as intervals {@code [start, end)} in unsigned byte order so a
 * key finds the watchers whose range contains it without looking at the others.
 *
 * <p>A treap (a binary search tree ordered by {@code (start, watchId)}, heap-ordered by a priority
 * derived from the watch id by a fixed bit mixer, so its shape is deterministic and balanced in
 * expectation) augmented with each subtree's largest end. A stabbing query for key {@code k} enters
 * a subtree only when its largest end is above {@code k} and visits a right child only when the
 * node starts at or below {@code k}: it costs {@code O(log n)} per match instead of a scan.
 * Unbounded ranges (etcd's range end {@code "\0"}) have a {@code null} end, which compares above
 * every key.
 *
 * <p>Not thread-safe: the hub touches it under its group lock only.
 */
final class RangeIndex {
  private Node root;
  private int size;

  private static final class Node {
    final byte[] start;
    final byte[] end;
    final WatcherState watcher;
    final long priority;
    Node left;
    Node right;
    byte[] maxEnd;
    boolean maxUnbounded;

    Node(byte[] start, byte[] end, WatcherState watcher) {
      this.start = start;
      this.end = end;
      this.watcher = watcher;
      this.priority = mix(watcher.watchId());
    }
  }

  int size() {
    return size;
  }

  void clear() {
    root = null;
    size = 0;
  }

  /** Adds {@code w} over {@code [start, end)}; {@code end == null} means no upper bound. */
  void add(byte[] start, byte[] end, WatcherState w) {
    Node n = new Node(start, end, w);
    update(n);
    Node[] parts = split(root, start, w.watchId());
    root = merge(merge(parts[0], n), parts[1]);
    size++;
  }

  /** Removes {@code w}, which was added over a range starting at {@code start}. */
  boolean remove(byte[] start, WatcherState w) {
    int before = size;
    root = remove(root, start, w);
    return size < before;
  }

  /** Calls {@code sink} for every watcher whose range contains {@code key}. */
  void stab(byte[] key, Consumer<WatcherState> sink) {
    stab(root, key, sink);
  }

  private static void stab(Node n, byte[] key, Consumer<WatcherState> sink) {
    while (n != null) {
      if (!n.maxUnbounded && Arrays.compareUnsigned(n.maxEnd, key) <= 0) {
        return; // every range below ends at or before key
      }
      stab(n.left, key, sink);
      if (Arrays.compareUnsigned(n.start, key) > 0) {
        return; // this node and everything right of it start after key
      }
      if (n.end == null || Arrays.compareUnsigned(key, n.end) < 0) {
        sink.accept(n.watcher);
      }
      n = n.right;
    }
  }

  private Node remove(Node n, byte[] start, WatcherState w) {
    if (n == null) {
      return null;
    }
    int c = compare(start, w.watchId(), n);
    if (c == 0) {
      size--;
      return merge(n.left, n.right);
    }
    if (c < 0) {
      n.left = remove(n.left, start, w);
    } else {
      n.right = remove(n.right, start, w);
    }
    update(n);
    return n;
  }

  /** Splits into nodes ordered before (start, id) and the rest. */
  private static Node[] split(Node n, byte[] start, long id) {
    if (n == null) {
      return new Node[2];
    }
    if (compare(start, id, n) > 0) {
      Node[] r = split(n.right, start, id);
      n.right = r[0];
      update(n);
      r[0] = n;
      return r;
    }
    Node[] l = split(n.left, start, id);
    n.left = l[1];
    update(n);
    l[1] = n;
    return l;
  }

  private static Node merge(Node a, Node b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.priority > b.priority) {
      a.right = merge(a.right, b);
      update(a);
      return a;
    }
    b.left = merge(a, b.left);
    update(b);
    return b;
  }

  private static int compare(byte[] start, long id, Node n) {
    int c = Arrays.compareUnsigned(start, n.start);
    return c != 0 ? c : Long.compare(id, n.watcher.watchId());
  }

  private static void update(Node n) {
    boolean unbounded = n.end == null;
    byte[] max = n.end;
    for (Node child : new Node[] {n.left, n.right}) {
      if (child == null || unbounded) {
        continue;
      }
      if (child.maxUnbounded) {
        unbounded = true;
        max = null;
      } else if (max == null || Arrays.compareUnsigned(child.maxEnd, max) > 0) {
        max = child.maxEnd;
      }
    }
    n.maxUnbounded = unbounded;
    n.maxEnd = max;
  }

  /** A fixed 64-bit mixer (SplitMix64's finalizer): deterministic, well spread priorities. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
