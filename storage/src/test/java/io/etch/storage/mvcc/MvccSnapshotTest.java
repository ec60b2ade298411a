package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Test;

/** Snapshot round trips and corruption detection. */
class MvccSnapshotTest {
  private static MvccStore sample() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int i = 0; i < 300; i++) {
      store.put(PutRequest.withLease(b("k" + (i % 37)), b("value-" + i), i % 3));
      if (i % 7 == 0) {
        store.deleteRange(DeleteRangeRequest.key(b("k" + (i % 11))));
      }
    }
    return store;
  }

  private static byte[] snapshot(MvccView view, long applied, byte[] extra) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    view.writeSnapshot(out, applied, extra);
    return out.toByteArray();
  }

  @Test
  void roundTripKeepsEverything() throws IOException {
    MvccStore store = sample();
    store.compact(200);
    store.compactStep(5); // snapshot while the compaction is still running
    MvccView view = store.view();
    byte[] bytes = snapshot(view, 4242, b("lease-state"));
    RestoredStore r = MvccStore.restore(new ByteArrayInputStream(bytes), MvccConfig.defaults());
    MvccView back = r.store().view();
    assertEquals(4242, r.appliedIndex());
    assertArrayEquals(b("lease-state"), r.extra());
    assertEquals(view.revision(), back.revision());
    assertEquals(view.compactedRevision(), back.compactedRevision());
    assertEquals(view.keyCount(), back.keyCount());
    for (long rev = 200; rev <= view.revision(); rev++) {
      assertEquals(view.hashKv(rev), back.hashKv(rev), "hash at " + rev);
      RangeRequest all =
          RangeRequest.builder(new byte[] {0}).rangeEnd(new byte[] {0}).revision(rev).build();
      assertEquals(view.range(all), back.range(all), "range at " + rev);
    }
    assertEquals(
        view.history(b("k"), Keys.prefixEnd(b("k")), new Revision(200, 0), 10_000),
        back.history(b("k"), Keys.prefixEnd(b("k")), new Revision(200, 0), 10_000));
    Long2ObjectHashMap<List<byte[]>> leases = view.keysByLease();
    Long2ObjectHashMap<List<byte[]>> leasesBack = back.keysByLease();
    assertEquals(leases.keySet(), leasesBack.keySet());
    // The restored store keeps working.
    r.store().put(PutRequest.of(b("new"), b("x")));
    assertEquals(view.revision() + 1, r.store().revision());
  }

  @Test
  void emptyStoreRoundTrips() throws IOException {
    MvccView empty = MvccStore.create(MvccConfig.defaults()).view();
    RestoredStore r =
        MvccStore.restore(
            new ByteArrayInputStream(snapshot(empty, 0, null)), MvccConfig.defaults());
    assertEquals(0, r.store().revision());
    assertEquals(0, r.extra().length);
    assertEquals(empty.hashKv(0), r.store().view().hashKv(0));
  }

  @Test
  void everySingleByteFlipIsDetected() throws IOException {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("a"), b("1")));
    store.put(PutRequest.of(b("b"), b("2")));
    store.deleteRange(DeleteRangeRequest.key(b("a")));
    byte[] good = snapshot(store.view(), 7, b("x"));
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x41;
      assertThrows(
          SnapshotCorruptException.class,
          () -> MvccStore.restore(new ByteArrayInputStream(bad), MvccConfig.defaults()),
          "flip at byte " + i);
    }
  }

  @Test
  void truncationIsDetected() throws IOException {
    byte[] good = snapshot(sample().view(), 1, null);
    for (int len : new int[] {0, 3, 8, 40, good.length / 2, good.length - 1}) {
      byte[] cut = Arrays.copyOf(good, len);
      assertThrows(
          SnapshotCorruptException.class,
          () -> MvccStore.restore(new ByteArrayInputStream(cut), MvccConfig.defaults()),
          "cut at " + len);
    }
  }
}
