package io.etch.storage.mvcc;

/**
 * The per-key compaction rule, the evacuation of values out of old slabs, and the running totals of
 * what a compaction freed.
 *
 * <p>For a compaction at revision {@code c}, each key keeps every version above {@code c} plus the
 * newest version at or below {@code c}; older ones go. If that newest version is a tombstone below
 * {@code c}, its generation ended before the compaction point and goes too (and the key leaves the
 * index when nothing newer exists). A tombstone exactly at {@code c} stays, as in etcd, so a watch
 * starting at the compacted revision still sees the deletes made at it.
 *
 * <p>Every kept version whose value sits in a slab older than {@link #moveBelowSerial} is rebuilt
 * with its value copied into the store's current slab (see {@link ValueSlabs}), even when the key's
 * history is otherwise unchanged; so once a compaction has visited every key, its result references
 * no slab filled before it started. The copies are byte for byte equal, so reads through the head
 * index see the same values either way.
 */
final class Compaction {
  long removedVersions;
  long removedBytes;
  long removedKeys;

  private final ValueSlabs slabs;
  private final long moveBelowSerial;

  // The last value moved for the key in progress: the version it came from and the one it went to,
  // so that versions sharing one slab range (ignoreValue puts) keep sharing one copy.
  private Version movedFrom;
  private Version movedTo;

  /**
   * @param slabs where moved values go
   * @param moveBelowSerial values in slabs with a serial below this are moved (0: none)
   */
  Compaction(ValueSlabs slabs, long moveBelowSerial) {
    this.slabs = slabs;
    this.moveBelowSerial = moveBelowSerial;
  }

  /**
   * The history of one key after compaction at {@code c}: {@code head} itself when nothing changes,
   * null when the key leaves the index.
   */
  Version compact(byte[] key, Version head, long c) {
    Version kept = head;
    int above = 0;
    boolean move = false;
    while (kept != null && kept.modMain > c) {
      move |= mustMove(kept);
      kept = kept.older;
      above++;
    }
    boolean dropKept = kept != null && kept.isTombstone() && kept.modMain < c;
    boolean truncate = kept != null && (dropKept || kept.older != null);
    if (kept != null && !dropKept) {
      move |= mustMove(kept);
    }
    if (!truncate && !move) {
      return head;
    }
    if (truncate) {
      for (Version v = dropKept ? kept : kept.older; v != null; v = v.older) {
        removedVersions++;
        removedBytes += v.sizeBytes();
      }
    }
    movedFrom = null;
    movedTo = null;
    Version tail = kept == null || dropKept ? null : rebuilt(kept, null);
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
      rebuilt = rebuilt(prefix[i], rebuilt);
    }
    return rebuilt;
  }

  private boolean mustMove(Version v) {
    return v.inSlab() && ValueSlabs.serialOf(v.valueArray) < moveBelowSerial;
  }

  /** {@code v} over {@code older}, its value moved out of an old slab when it sits in one. */
  private Version rebuilt(Version v, Version older) {
    if (!mustMove(v)) {
      return v.withOlder(older);
    }
    if (movedFrom != null && sameValueRange(movedFrom, v)) {
      return movedTo.withValueOf(v.modMain, v.modSub, v.createMain, v.version, v.lease, older);
    }
    Version moved = slabs.moved(v, older);
    movedFrom = v;
    movedTo = moved;
    return moved;
  }

  private static boolean sameValueRange(Version a, Version b) {
    return a.valueArray == b.valueArray
        && a.valueOffset() == b.valueOffset()
        && a.valueLength() == b.valueLength();
  }
}
