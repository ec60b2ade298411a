package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.ValueSlabs.MAX_SLAB_VALUE_BYTES;
import static io.etch.storage.mvcc.ValueSlabs.SLAB_BYTES;
import static io.etch.storage.mvcc.ValueSlabs.SLAB_HEADER_BYTES;
import static io.etch.storage.mvcc.ValueSlabsModelTest.assertNoSlabBelow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Values packed into slabs: allocation, reads, evacuation by compaction, snapshots and hashes. */
class ValueSlabsTest {
  private static final byte[] ALL = {0};
  private static final int[] MIXED_LENGTHS = {1, 255, 1000, 1024, 1025, 4000, 0, 300};

  /** {@code length} bytes that differ with {@code seed} and position. */
  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + 1);
    }
    return b;
  }

  private static byte[] key(int i) {
    return String.format("key/%05d", i).getBytes();
  }

  /** The bytes of {@code v}'s value, wherever they are. */
  private static byte[] valueOf(Version v) {
    return Arrays.copyOfRange(v.valueArray, v.valueOffset(), v.valueOffset() + v.valueLength());
  }

  private static Version small(ValueSlabs s, byte[] value) {
    return s.version(1, 0, 1, 1, 0, value, 0, value.length, null);
  }

  @Test
  void aValueThatDoesNotFitTheTailStartsANewSlab() {
    ValueSlabs s = new ValueSlabs();
    assertEquals(0, s.currentSerial());
    int fitting = (SLAB_BYTES - SLAB_HEADER_BYTES) / 1000; // 65: 1,000 bytes of tail are left
    List<Version> versions = new ArrayList<>();
    for (int i = 0; i <= fitting; i++) {
      versions.add(small(s, bytes(1000, i)));
    }
    byte[] first = versions.get(0).valueArray;
    for (int i = 0; i < fitting; i++) {
      Version v = versions.get(i);
      assertTrue(v.inSlab());
      assertSame(first, v.valueArray);
      assertEquals(SLAB_HEADER_BYTES + 1000 * i, v.valueOffset());
      assertArrayEquals(bytes(1000, i), valueOf(v));
    }
    assertEquals(1, ValueSlabs.serialOf(first));
    Version next = versions.get(fitting);
    assertNotSame(first, next.valueArray);
    assertEquals(2, ValueSlabs.serialOf(next.valueArray));
    assertEquals(2, s.currentSerial());
    assertEquals(SLAB_HEADER_BYTES, next.valueOffset());
    assertArrayEquals(bytes(1000, fitting), valueOf(next));
    // the tail the last value did not fit was left as it was
    for (int i = SLAB_HEADER_BYTES + 1000 * fitting; i < SLAB_BYTES; i++) {
      assertEquals(0, first[i], "tail byte " + i);
    }
  }

  @Test
  void aValueEndingAtTheSlabsEndFillsItExactly() {
    ValueSlabs s = new ValueSlabs();
    int full = (SLAB_BYTES - SLAB_HEADER_BYTES) / MAX_SLAB_VALUE_BYTES; // 63
    for (int i = 0; i < full; i++) {
      small(s, bytes(MAX_SLAB_VALUE_BYTES, i));
    }
    int rest = SLAB_BYTES - SLAB_HEADER_BYTES - full * MAX_SLAB_VALUE_BYTES;
    Version last = small(s, bytes(rest, 99));
    assertEquals(1, s.currentSerial());
    assertEquals(SLAB_BYTES, s.fillBytes());
    assertEquals(SLAB_BYTES - rest, last.valueOffset());
    assertArrayEquals(bytes(rest, 99), valueOf(last));
    Version one = small(s, bytes(1, 5));
    assertEquals(2, ValueSlabs.serialOf(one.valueArray));
    assertEquals(SLAB_HEADER_BYTES, one.valueOffset());
    assertArrayEquals(bytes(rest, 99), valueOf(last));
  }

  @Test
  void longValuesKeepTheirOwnArrayAndEmptyOnesTakeNoSlabSpace() {
    ValueSlabs s = new ValueSlabs();
    Version a = small(s, bytes(MAX_SLAB_VALUE_BYTES, 1));
    byte[] longValue = bytes(MAX_SLAB_VALUE_BYTES + 1, 2);
    Version b = small(s, longValue);
    Version empty = small(s, new byte[0]);
    Version c = small(s, bytes(10, 3));
    assertTrue(a.inSlab());
    assertFalse(b.inSlab());
    assertSame(longValue, b.valueArray, "handed over, not copied");
    assertEquals(0, b.valueOffset());
    assertEquals(MAX_SLAB_VALUE_BYTES + 1, b.valueLength());
    assertFalse(empty.inSlab());
    assertEquals(0, empty.valueLength());
    assertArrayEquals(new byte[0], valueOf(empty));
    assertSame(a.valueArray, c.valueArray);
    assertEquals(a.valueOffset() + MAX_SLAB_VALUE_BYTES, c.valueOffset(), "contiguous");
    // a long range of a larger array gets an exact array of its own
    byte[] big = bytes(5000, 4);
    Version part = s.version(1, 0, 1, 1, 0, big, 7, 2000, null);
    assertFalse(part.inSlab());
    assertEquals(2000, part.valueArray.length);
    assertArrayEquals(Arrays.copyOfRange(big, 7, 2007), valueOf(part));
  }

  @Test
  void reservationsAndSpansOutOfBoundsFailFast() {
    ValueSlabs s = new ValueSlabs();
    assertThrows(IllegalArgumentException.class, () -> s.reserve(0));
    assertThrows(IllegalArgumentException.class, () -> s.reserve(MAX_SLAB_VALUE_BYTES + 1));
    assertThrows(IllegalArgumentException.class, () -> Version.slabSpan(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> Version.slabSpan(8, 0));
    assertThrows(IllegalArgumentException.class, () -> Version.slabSpan(8, 1 << 11));
    assertTrue(Version.fitsSlabSpan(SLAB_BYTES, MAX_SLAB_VALUE_BYTES));
    byte[] slab = new byte[SLAB_BYTES];
    for (int offset : new int[] {SLAB_HEADER_BYTES, 1000, SLAB_BYTES - 1}) {
      for (int length : new int[] {1, MAX_SLAB_VALUE_BYTES}) {
        Version v = new Version(1, 0, 1, 1, 0, slab, Version.slabSpan(offset, length), null);
        assertEquals(offset, v.valueOffset());
        assertEquals(length, v.valueLength());
      }
    }
  }

  /** Keys 0..n-1 with values of the mixed lengths, every third key written twice. */
  private static MvccStore mixedStore(int n) {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < n; i++) {
        if (round == 0 || i % 3 == 0) {
          store.put(PutRequest.of(key(i), bytes(MIXED_LENGTHS[(i + round) % 8], i + round)));
        }
      }
    }
    return store;
  }

  @Test
  void storeReadsSmallLongAndEmptyValuesBackAcrossManySlabs() {
    int n = 600;
    MvccStore store = mixedStore(n);
    assertTrue(
        store.slabs().currentSerial() > 2, "several slabs: " + store.slabs().currentSerial());
    List<KeyValue> all = store.range(RangeRequest.range(ALL, ALL)).kvs();
    assertEquals(n, all.size());
    for (int i = 0; i < n; i++) {
      int round = i % 3 == 0 ? 1 : 0;
      byte[] expected = bytes(MIXED_LENGTHS[(i + round) % 8], i + round);
      assertArrayEquals(expected, all.get(i).value(), "key " + i);
      assertArrayEquals(expected, store.range(RangeRequest.get(key(i))).kvs().get(0).value());
      if (round == 1) {
        // the first version, at its revision, and as the prevKv of the second
        long firstRev = i + 1;
        byte[] first = bytes(MIXED_LENGTHS[i % 8], i);
        RangeRequest old = RangeRequest.builder(key(i)).revision(firstRev).build();
        assertArrayEquals(first, store.range(old).kvs().get(0).value());
        List<Event> events =
            store.view().history(key(i), null, new Revision(firstRev, 0), 10).events();
        assertArrayEquals(first, events.get(1).prevKv().value());
      }
    }
    // a compare on a value in a slab reads it in place
    byte[] v3 = bytes(MIXED_LENGTHS[4], 4);
    assertTrue(store.view().compare(Compare.value(key(3), CompareResult.EQUAL, v3)));
    byte[] v1 = bytes(MIXED_LENGTHS[1], 1);
    byte[] longer = Arrays.copyOf(v1, v1.length + 1);
    byte[] shorter = Arrays.copyOf(v1, v1.length - 1);
    assertTrue(store.view().compare(Compare.value(key(1), CompareResult.LESS, longer)));
    assertTrue(store.view().compare(Compare.value(key(1), CompareResult.GREATER, shorter)));
    assertFalse(store.view().compare(Compare.value(key(1), CompareResult.NOT_EQUAL, v1)));
  }

  @Test
  void viewsTakenBeforeACompactionStillReadTheValuesItMoved() {
    MvccStore store = mixedStore(300);
    MvccView before = store.view();
    RangeResponse allBefore = before.range(RangeRequest.range(ALL, ALL));
    RangeRequest atTen = RangeRequest.builder(ALL).rangeEnd(ALL).revision(10).build();
    RangeResponse tenBefore = before.range(atTen);
    long serial = store.slabs().currentSerial();
    assertTrue(serial > 1);
    store.compact(store.revision());
    KvHash logical = store.view().hashKv(0);
    while (store.compactStep(7)) {
      assertEquals(allBefore, before.range(RangeRequest.range(ALL, ALL)), "during compaction");
    }
    assertNoSlabBelow(store.view(), serial, "after compaction");
    assertEquals(allBefore, before.range(RangeRequest.range(ALL, ALL)));
    assertEquals(tenBefore, before.range(atTen), "an old view still reads below the compaction");
    for (KeyValue kv : allBefore.kvs()) {
      assertEquals(kv, before.range(RangeRequest.get(kv.key())).kvs().get(0));
    }
    assertEquals(
        new RangeResponse(allBefore.kvs(), false, allBefore.count(), store.revision()),
        store.range(RangeRequest.range(ALL, ALL)));
    Version old = before.tree().get(key(1));
    Version moved = store.view().tree().get(key(1));
    assertTrue(ValueSlabs.serialOf(old.valueArray) < serial);
    assertNotSame(old.valueArray, moved.valueArray);
    assertArrayEquals(valueOf(old), valueOf(moved));
    assertEquals(logical, store.view().hashKv(0));
  }

  /** The distinct slabs the versions of {@code view}'s tree point into. */
  private static int slabsReachable(MvccView view) {
    Map<byte[], Boolean> slabs = new IdentityHashMap<>();
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    while (c.next()) {
      for (Version v = c.value(); v != null; v = v.older) {
        if (v.inSlab()) {
          slabs.put(v.valueArray, Boolean.TRUE);
        }
      }
    }
    return slabs.size();
  }

  @Test
  void longLivedKeysDoNotPinChurnedSlabsPastACompaction() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    int longLived = 0;
    for (int round = 0; round < 4_000; round++) {
      store.put(PutRequest.of(b("churn/" + round % 16), bytes(512, round)));
      if (round % 50 == 0) {
        store.put(PutRequest.of(b("long/" + longLived), bytes(512, longLived)));
        longLived++;
      }
    }
    // 97 keys, one version each, live: under 50 KiB; written: over 2 MB in about 32 slabs, each
    // pinned by a long-lived key's single version
    store.compact(store.revision());
    while (store.compactStep(5)) {
      // drain
    }
    int pinnedBefore = slabsReachable(store.view());
    assertTrue(pinnedBefore <= 2, "reachable slabs after the first compaction: " + pinnedBefore);
    // and a compaction at an older revision (histories kept above it) moves them too
    long c = store.revision();
    for (int round = 0; round < 1_000; round++) {
      store.put(PutRequest.of(b("churn/" + round % 16), bytes(700, round)));
    }
    long serial = store.slabs().currentSerial();
    store.compact(c + 1);
    while (store.compactStep(3)) {
      // drain
    }
    assertNoSlabBelow(store.view(), serial, "second compaction");
    for (int i = 0; i < longLived; i++) {
      assertArrayEquals(
          bytes(512, i), store.range(RangeRequest.get(b("long/" + i))).kvs().get(0).value());
    }
  }

  @Test
  void ignoreValuePutsShareTheirValueAndKeepSharingOneCopyOnceMoved() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    byte[] k = b("shared");
    store.put(PutRequest.of(k, bytes(300, 1)));
    long c = store.revision();
    for (int lease = 1; lease <= 3; lease++) {
      store.put(new PutRequest(k, KeyValue.EMPTY, lease, false, true, false));
    }
    for (int i = 0; i < 70; i++) {
      store.put(PutRequest.of(key(i), bytes(1000, i))); // fills slab 1, starts slab 2
    }
    Version head = store.view().tree().get(k);
    for (Version v = head; v != null; v = v.older) {
      assertSame(head.valueArray, v.valueArray);
      assertEquals(head.valueOffset(), v.valueOffset());
    }
    long serial = store.slabs().currentSerial();
    assertEquals(2, serial);
    store.compact(c);
    while (store.compactStep(10)) {
      // drain
    }
    Version after = store.view().tree().get(k);
    assertEquals(4, countVersions(after));
    assertTrue(ValueSlabs.serialOf(after.valueArray) >= serial, "moved out of slab 1");
    for (Version v = after; v != null; v = v.older) {
      assertSame(after.valueArray, v.valueArray);
      assertEquals(after.valueOffset(), v.valueOffset(), "one copy for the shared range");
      assertArrayEquals(bytes(300, 1), valueOf(v));
    }
  }

  @Test
  void keyValuesReadFromSlabsCopyTheirValueOutOnceWhenAskedFor() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    byte[] k = b("k");
    byte[] v1 = bytes(300, 1);
    store.put(PutRequest.of(k, v1.clone()));
    KeyValue kv = store.range(RangeRequest.get(k)).kvs().get(0);
    byte[] value = kv.value();
    assertSame(value, kv.value(), "one copy");
    assertArrayEquals(v1, value);
    KeyValue eager = new KeyValue(k, v1, kv.createRevision(), 1, 1, 0);
    assertEquals(eager, kv);
    assertEquals(kv, eager);
    assertEquals(eager.hashCode(), kv.hashCode());
    assertEquals(eager.toString(), kv.toString());
    value[0]++; // a reader's copy: the store is unchanged
    assertArrayEquals(v1, store.range(RangeRequest.get(k)).kvs().get(0).value());
    WriteResult<PutResponse> w = store.put(new PutRequest(k, bytes(20, 2), 0, true, false, false));
    assertArrayEquals(v1, w.response().prevKv().value());
    assertArrayEquals(v1, w.events().get(0).prevKv().value());
    assertEquals(1, w.events().get(0).prevKv().modRevision());
    assertArrayEquals(bytes(20, 2), w.events().get(0).kv().value());
  }

  @Test
  void readersOnOtherThreadsSeeWholeValuesWhileTheWriterFillsAndCompactsSlabs() throws Exception {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicReference<String> bad = new AtomicReference<>();
    Runnable reader =
        () -> {
          while (!done.get() && bad.get() == null) {
            MvccView view = store.view();
            for (KeyValue kv : view.range(RangeRequest.range(ALL, ALL)).kvs()) {
              // every value is a function of the revision that wrote it
              if (!Arrays.equals(
                  bytes(200 + (int) (kv.modRevision() % 800), (int) kv.modRevision()),
                  kv.value())) {
                bad.set("value of " + new String(kv.key()) + " at " + kv.modRevision());
              }
            }
            reads.incrementAndGet();
          }
        };
    Thread[] readers = {new Thread(reader), new Thread(reader)};
    for (Thread t : readers) {
      t.start();
    }
    try {
      for (int i = 1; i <= 20_000; i++) {
        store.put(PutRequest.of(key(i % 64), bytes(200 + i % 800, i)));
        if (i % 2_000 == 0) {
          store.compact(store.revision() - 100);
        }
        store.compactStep(8);
      }
    } finally {
      done.set(true);
      for (Thread t : readers) {
        t.join();
      }
    }
    assertNull(bad.get(), "a reader saw a wrong value");
    assertTrue(reads.get() > 0);
  }

  private static int countVersions(Version head) {
    int n = 0;
    for (Version v = head; v != null; v = v.older) {
      n++;
    }
    return n;
  }

  @Test
  void snapshotsOfSlabValuesKeepTheByteFormatAndRestoreIntoSlabs() throws IOException {
    MvccStore store = mixedStore(400);
    store.deleteRange(DeleteRangeRequest.key(key(5)));
    MvccView view = store.view();
    byte[] extra = b("extra");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    view.writeSnapshot(out, 3, extra);
    byte[] written = out.toByteArray();
    assertArrayEquals(MvccSnapshotTest.referenceEncoding(view, 3, extra), written);
    MvccView back =
        MvccStore.restore(new ByteArrayInputStream(written), MvccConfig.defaults()).store().view();
    assertEquals(
        view.range(RangeRequest.range(ALL, ALL)), back.range(RangeRequest.range(ALL, ALL)));
    for (long rev = 1; rev <= view.revision(); rev += 13) {
      assertEquals(view.hashKv(rev), back.hashKv(rev), "hash at " + rev);
    }
    PersistentBTree.Cursor<Version> c = back.tree().ascending(null);
    int inSlabs = 0;
    while (c.next()) {
      for (Version v = c.value(); v != null; v = v.older) {
        int length = v.valueLength();
        assertEquals(
            length > 0 && length <= MAX_SLAB_VALUE_BYTES, v.inSlab(), "restored " + length);
        inSlabs += v.inSlab() ? 1 : 0;
      }
    }
    assertTrue(inSlabs > 300);
  }

  @Test
  void hashKvOverSlabValuesIsTheReferenceHashOfThePlainBytes() {
    MvccConfig config = MvccConfig.defaults();
    MvccStore store = MvccStore.create(config);
    ReferenceModel model = new ReferenceModel(config);
    for (int i = 0; i < 500; i++) {
      PutRequest p = PutRequest.of(key(i % 120), bytes(MIXED_LENGTHS[i % 8] + i % 5, i));
      store.put(p);
      ReferenceModel.Tx tx = model.new Tx();
      tx.put(p);
      tx.commit();
    }
    for (long r = 1; r <= model.rev; r++) {
      assertEquals(model.hash(r), store.view().hashKv(r).hash(), "hash at " + r);
    }
    model.compact(300);
    store.compact(300);
    while (store.compactStep(9)) {
      // drain
    }
    for (long r = 300; r <= model.rev; r++) {
      assertEquals(model.hash(r), store.view().hashKv(r).hash(), "compacted, hash at " + r);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes();
  }
}
