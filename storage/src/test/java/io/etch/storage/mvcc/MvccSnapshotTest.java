package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
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

  @Test
  void streamIsTheDrawnLayout() throws IOException {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("a"), b("1"))); // rev 1
    store.put(PutRequest.withLease(b("b"), b("22"), 5)); // rev 2
    store.deleteRange(DeleteRangeRequest.key(b("a"))); // rev 3
    store.put(PutRequest.of(b("a"), b("333"))); // rev 4
    store.compact(1);
    while (store.compactStep(100)) {
      // finish the compaction: nothing goes (each key keeps its version at revision 1)
    }

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(expected);
    d.writeLong(0x455443484d564343L); // "ETCHMVCC"
    d.writeInt(1);
    d.writeLong(4); // revision
    d.writeLong(1); // compacted revision
    d.writeLong(9); // applied index
    d.writeInt(2);
    d.write(b("xy"));
    d.writeLong(2); // keys
    d.writeInt(1);
    d.write(b("a"));
    d.writeInt(3); // versions, oldest first
    writeVersion(d, 1, 0, 1, 1, 0, b("1"));
    writeVersion(d, 3, 0, 0, 0, 0, null);
    writeVersion(d, 4, 0, 4, 1, 0, b("333"));
    d.writeInt(1);
    d.write(b("b"));
    d.writeInt(1);
    writeVersion(d, 2, 0, 2, 1, 5, b("22"));
    d.writeInt(0x454e4421); // "END!"
    CRC32C crc = new CRC32C();
    crc.update(expected.toByteArray());
    d.writeInt((int) crc.getValue());

    assertArrayEquals(expected.toByteArray(), snapshot(store.view(), 9, b("xy")));
  }

  private static void writeVersion(
      DataOutputStream d, long main, long sub, long create, long version, long lease, byte[] value)
      throws IOException {
    d.writeLong(main);
    d.writeLong(sub);
    d.writeLong(create);
    d.writeLong(version);
    d.writeLong(lease);
    d.writeInt(value == null ? -1 : value.length);
    if (value != null) {
      d.write(value);
    }
  }

  /** A store whose keys, values and extra bytes straddle and exceed the codec's chunks. */
  private static MvccStore chunkCrossing(SplittableRandom rnd) {
    int chunk = MvccSnapshotEncoder.CHUNK_BYTES;
    int[] sizes = {0, 1, 43, 44, 45, chunk - 45, chunk - 1, chunk, chunk + 1, 3 * chunk + 7};
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int i = 0; i < 30; i++) {
      byte[] key = new byte[1 + rnd.nextInt(i % 10 == 0 ? 32 * 1024 : 16)];
      rnd.nextBytes(key);
      key[0] = (byte) ('a' + i % 7); // some keys get several versions
      byte[] value = new byte[sizes[rnd.nextInt(sizes.length)]];
      rnd.nextBytes(value);
      store.put(PutRequest.of(key, value));
      if (rnd.nextInt(8) == 0) {
        store.deleteRange(DeleteRangeRequest.key(key));
      }
    }
    return store;
  }

  /** Hands out 1 to 7 bytes per read, so the decoder refills at every possible offset. */
  private static InputStream trickling(byte[] bytes, SplittableRandom rnd) {
    return new InputStream() {
      private int at;

      @Override
      public int read() {
        return at < bytes.length ? bytes[at++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (at == bytes.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 1 + rnd.nextInt(7)), bytes.length - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  @Test
  void chunkCrossingRecordsRoundTrip() {
    SeededRuns.run(
        "chunk-crossing round trip",
        MvccSnapshotTest.class,
        100,
        3,
        seed -> {
          try {
            SplittableRandom rnd = new SplittableRandom(seed);
            MvccView view = chunkCrossing(rnd).view();
            byte[] extra = new byte[MvccSnapshotEncoder.CHUNK_BYTES + 3];
            rnd.nextBytes(extra);
            byte[] bytes = snapshot(view, 77, extra);
            for (InputStream in : List.of(new ByteArrayInputStream(bytes), trickling(bytes, rnd))) {
              RestoredStore r = MvccStore.restore(in, MvccConfig.defaults());
              assertEquals(77, r.appliedIndex());
              assertArrayEquals(extra, r.extra());
              MvccView back = r.store().view();
              assertEquals(view.revision(), back.revision());
              assertEquals(view.keyCount(), back.keyCount());
              for (long rev = 1; rev <= view.revision(); rev++) {
                assertEquals(view.hashKv(rev), back.hashKv(rev), "hash at " + rev);
              }
              // written again, the restored store gives the same bytes
              assertArrayEquals(bytes, snapshot(back, 77, extra));
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void corruptionAcrossChunksIsDetected() throws IOException {
    byte[] good = snapshot(chunkCrossing(new SplittableRandom(7)).view(), 3, b("extra"));
    int chunk = MvccSnapshotEncoder.CHUNK_BYTES;
    assertTrue(good.length > 3 * chunk, "a multi-chunk snapshot: " + good.length + " bytes");
    SeededRuns.run(
        "byte flip in a multi-chunk snapshot",
        MvccSnapshotTest.class,
        200,
        3,
        seed -> {
          SplittableRandom rnd = new SplittableRandom(seed);
          int[] at = new int[40];
          for (int i = 0; i < at.length; i++) {
            at[i] = rnd.nextInt(good.length);
          }
          // and around chunk boundaries
          at[0] = chunk - 1;
          at[1] = chunk;
          at[2] = 2 * chunk;
          at[3] = good.length - 1;
          for (int k = 0; k < at.length; k++) {
            byte[] bad = good.clone();
            bad[at[k]] ^= (byte) (1 + rnd.nextInt(255));
            // the boundary flips through short reads too
            InputStream in = k < 2 ? trickling(bad, rnd) : new ByteArrayInputStream(bad);
            assertThrows(
                SnapshotCorruptException.class,
                () -> MvccStore.restore(in, MvccConfig.defaults()),
                "flip at byte " + at[k]);
          }
          for (int i = 0; i < 10; i++) {
            byte[] cut = Arrays.copyOf(good, rnd.nextInt(good.length));
            assertThrows(
                SnapshotCorruptException.class,
                () -> MvccStore.restore(new ByteArrayInputStream(cut), MvccConfig.defaults()),
                "cut at " + cut.length);
          }
        });
  }

  /** The drawn layout encoded field by field, straight from the store's structures. */
  static byte[] referenceEncoding(MvccView view, long applied, byte[] extra) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeLong(MvccSnapshotDescriptor.MAGIC);
    d.writeInt(MvccSnapshotDescriptor.FORMAT);
    d.writeLong(view.revision());
    d.writeLong(view.compactedRevision());
    d.writeLong(applied);
    d.writeInt(extra.length);
    d.write(extra);
    d.writeLong(view.indexedKeys());
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    while (c.next()) {
      List<Version> newestFirst = new ArrayList<>();
      for (Version v = c.value(); v != null; v = v.older) {
        newestFirst.add(v);
      }
      d.writeInt(c.key().length);
      d.write(c.key());
      d.writeInt(newestFirst.size());
      for (int i = newestFirst.size() - 1; i >= 0; i--) {
        Version v = newestFirst.get(i);
        writeVersion(
            d,
            v.modMain,
            v.modSub,
            v.createMain,
            v.version,
            v.lease,
            v.isTombstone() ? null : v.toKeyValue(c.key(), false).value());
      }
    }
    d.writeInt(MvccSnapshotDescriptor.END_MARKER);
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    d.writeInt((int) crc.getValue());
    return bytes.toByteArray();
  }

  @Test
  void streamMatchesTheFieldByFieldEncoding() throws IOException {
    // 21 keys (not a multiple of the writer's lanes), key i with 3i+1 versions (beyond the lanes'
    // initial capacity), some deleted and re-created
    MvccStore longHistories = MvccStore.create(MvccConfig.defaults());
    for (int round = 0; round < 61; round++) {
      for (int i = 0; i < 21; i++) {
        if (round <= 3 * i) {
          byte[] key = b("key-" + i);
          if (round % 11 == 10) {
            longHistories.deleteRange(DeleteRangeRequest.key(key));
          } else {
            longHistories.put(PutRequest.withLease(key, b("v" + round + "/" + i), round % 2));
          }
        }
      }
    }
    List<MvccView> views =
        List.of(
            longHistories.view(),
            sample().view(),
            chunkCrossing(new SplittableRandom(11)).view(),
            MvccStore.create(MvccConfig.defaults()).view());
    for (MvccView view : views) {
      byte[] extra = b("extra-" + view.revision());
      byte[] written = snapshot(view, 5, extra);
      assertArrayEquals(referenceEncoding(view, 5, extra), written, "at " + view.revision());
      MvccView back =
          MvccStore.restore(new ByteArrayInputStream(written), MvccConfig.defaults())
              .store()
              .view();
      for (long rev = 1; rev <= view.revision(); rev++) {
        assertEquals(view.hashKv(rev), back.hashKv(rev), "hash at " + rev);
      }
    }
  }
}
