package io.etch.lincheck;

import java.util.Arrays;

/**
 * Disjoint sets over the integers {@code 0..size-1}, with path halving and union by size: {@link
 * KeyPartitioner} uses it to group keys that some operation touches together.
 */
final class UnionFind {
  private final int[] parent;
  private final int[] size;

  UnionFind(int elements) {
    if (elements < 0) {
      throw new IllegalArgumentException("elements must be >= 0, got " + elements);
    }
    parent = new int[elements];
    size = new int[elements];
    for (int i = 0; i < elements; i++) {
      parent[i] = i;
    }
    Arrays.fill(size, 1);
  }

  /** The representative of the set holding {@code x}. */
  int find(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  /** Merges the sets of {@code a} and {@code b}; returns the new representative. */
  int union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra == rb) {
      return ra;
    }
    if (size[ra] < size[rb]) {
      int t = ra;
      ra = rb;
      rb = t;
    }
    parent[rb] = ra;
    size[ra] += size[rb];
    return ra;
  }
}
