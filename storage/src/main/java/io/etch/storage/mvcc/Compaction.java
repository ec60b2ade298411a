package io.etch.storage.mvcc;

/**
 * The per-key compaction rule and the running totals of what a compaction freed.
 *
 * <p>For a compaction at revision {@code c}, each key keeps every version above {@code c} plus the
 * newest version at or below {@code c}; older ones go. If that newest version is a tombstone below
 * {@code c}, its generation ended before the compaction point and goes too (and the key leaves the
 * index when nothing newer exists). A tombstone exactly at {@code c} stays, as in etcd, so a watch
 * starting at the compacted revision still sees the deletes made at it.
 */
final class Compaction {
  long removedVersions;
  long removedBytes;
  long removedKeys;

  /**
   * The history of one key after compaction at {@code c}: {@code head} itself when nothing changes,
   * null when the key leaves the index.
   */
  Version compact(byte[] key, Version head, long c) {
    Version kept = head;
    int above = 0;
    while (kept != null && kept.modMain > c) {
      kept = kept.older;
      above++;
    }
    if (kept == null) {
      return head;
    }
    boolean dropKept = kept.isTombstone() && kept.modMain < c;
    if (!dropKept && kept.older == null) {
      return head;
    }
    for (Version v = dropKept ? kept : kept.older; v != null; v = v.older) {
      removedVersions++;
      removedBytes += v.sizeBytes();
    }
    Version tail = dropKept ? null : kept.withOlder(null);
    if (above == 0) {
      if (tail == null) {
        removedKeys++;
        removedBytes += MvccView.KEY_OVERHEAD_BYTES + key.length;
      }
      return tail;
    }
    // Copy the versions above c onto the new tail, newest first.
    Version[] prefix = new Version[above];
    Version v = head;
    for (int i = 0; i < above; i++) {
      prefix[i] = v;
      v = v.older;
    }
    Version rebuilt = tail;
    for (int i = above - 1; i >= 0; i--) {
      rebuilt = prefix[i].withOlder(rebuilt);
    }
    return rebuilt;
  }
}
