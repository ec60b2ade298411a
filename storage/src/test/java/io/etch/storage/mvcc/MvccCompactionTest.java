package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Batched compaction: bounded steps interleaved with writes, and memory really released — measured
 * by walking everything reachable from the current root (not by GC timing) and by snapshot size.
 */
class MvccCompactionTest {
  private static final int KEYS = 20_000;
  private static final int VERSIONS = 5;
  private static final int VALUE_BYTES = 100;

  private static byte[] key(int i) {
    return ByteBuffer.allocate(6).put((byte) 'k').put((byte) '/').putInt(i).array();
  }

  /** Reachable versions and value bytes from a view's root, each object counted once. */
  private static long[] reachable(MvccView view) {
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    Map<byte[], Set<Integer>> ranges = new IdentityHashMap<>();
    long versions = 0;
    long valueBytes = 0;
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    while (c.next()) {
      for (Version v = c.value(); v != null; v = v.older) {
        if (seen.put(v, Boolean.TRUE) == null) {
          versions++;
        }
        // a value is a range of a slab (or an array of its own): count each range once
        if (v.valueArray != null
            && ranges.computeIfAbsent(v.valueArray, a -> new HashSet<>()).add(v.valueOffset())) {
          valueBytes += v.valueLength();
        }
      }
    }
    return new long[] {versions, valueBytes, view.tree().size()};
  }

  private static long snapshotBytes(MvccView view) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    view.writeSnapshot(out, 0, null);
    return out.size();
  }

  @Test
  void compactionInBoundedBatchesReleasesOldVersions() throws IOException {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int v = 0; v < VERSIONS; v++) {
      for (int i = 0; i < KEYS; i++) {
        byte[] value = new byte[VALUE_BYTES];
        value[0] = (byte) v;
        store.put(PutRequest.of(key(i), value));
      }
    }
    // A quarter of the keys are deleted: their whole history goes at compaction.
    for (int i = 0; i < KEYS; i += 4) {
      store.deleteRange(DeleteRangeRequest.key(key(i)));
    }
    long compactAt = store.revision();
    MvccView before = store.view();
    long[] reach0 = reachable(before);
    assertEquals(KEYS * VERSIONS + KEYS / 4, reach0[0]);
    assertEquals(reach0[0], before.retainedVersions());
    long snap0 = snapshotBytes(before);
    KvHash hash0 = before.hashKv(0);

    store.compact(compactAt);
    int steps = 0;
    int writesBetween = 0;
    while (store.compactStep(500)) {
      steps++;
      // The writer goes on between batches, and reads at the compacted revision stay correct.
      store.put(PutRequest.of(b("a/" + steps), b("x"))); // sorts before the cursor
      writesBetween++;
      assertNull(store.view().get(key(0), compactAt));
      assertEquals(4, store.view().get(key(1), compactAt).value()[0]);
    }
    assertEquals(KEYS / 500, steps + 1, "each step handles at most 500 keys");
    assertFalse(store.compactionPending());

    MvccView after = store.view();
    long[] reach1 = reachable(after);
    long liveKeys = KEYS - KEYS / 4;
    // One version per live key remains, plus the tombstone written exactly at the compaction
    // revision (the last delete), which etcd keeps.
    assertEquals(liveKeys + writesBetween + 1, reach1[0], "one version per live key remains");
    assertEquals(liveKeys + writesBetween + 1, reach1[2], "deleted keys left the index");
    assertEquals(reach1[0], after.retainedVersions());
    assertTrue(
        reach1[1] * 4 < reach0[1],
        "value bytes reachable: before " + reach0[1] + ", after " + reach1[1]);
    assertTrue(after.approxBytes() * 3 < before.approxBytes());
    long snap1 = snapshotBytes(after);
    assertTrue(snap1 * 3 < snap0, "snapshot bytes: before " + snap0 + ", after " + snap1);
    // The view taken before compaction is untouched (it still pins the old versions).
    assertEquals(reach0[0], reachable(before)[0]);
    assertEquals(hash0, before.hashKv(0));
  }

  @Test
  void compactionKeepsTheNewestVersionAtOrBelowAndATombstoneAtTheRevision() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("a"), b("1"))); // 1
    store.put(PutRequest.of(b("a"), b("2"))); // 2
    store.put(PutRequest.of(b("b"), b("1"))); // 3
    store.deleteRange(DeleteRangeRequest.key(b("b"))); // 4
    store.put(PutRequest.of(b("a"), b("3"))); // 5
    store.compact(4);
    while (store.compactStep(1)) {
      // drain
    }
    MvccView v = store.view();
    assertEquals(3, v.retainedVersions(), "a@2, a@5 and b's tombstone at exactly 4");
    assertArrayEquals(b("2"), v.get(b("a"), 4).value());
    // Watch from the compacted revision still gets the delete at it.
    HistoryPage page = v.history(b("b"), null, new Revision(4, 0), 10);
    assertEquals(1, page.events().size());
    assertEquals(EventType.DELETE, page.events().get(0).type());
    store.compact(5);
    store.compactStep(10);
    assertEquals(1, store.view().retainedVersions(), "only a@5 remains");
    assertEquals(1, store.view().indexedKeys());
  }

  @Test
  void newerCompactionSupersedesAPendingOne() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int i = 0; i < 100; i++) {
      store.put(PutRequest.of(key(i % 10), b("v" + i)));
    }
    store.compact(20);
    store.compactStep(3);
    assertTrue(store.compactionPending());
    store.compact(90);
    while (store.compactStep(3)) {
      // drain
    }
    assertEquals(10 + 0, store.view().indexedKeys());
    // Keys 0..9 were last written at 91..100, and at 81..90: each keeps its version <= 90 and
    // the one above.
    long expected = 0;
    for (int k = 0; k < 10; k++) {
      expected += (91 + k <= 100) ? 2 : 1;
    }
    assertEquals(expected, store.view().retainedVersions());
    List<KeyValue> all =
        store
            .range(
                RangeRequest.builder(new byte[] {0}).rangeEnd(new byte[] {0}).revision(90).build())
            .kvs();
    assertEquals(10, all.size());
  }
}
