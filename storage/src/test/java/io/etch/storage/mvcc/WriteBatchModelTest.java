package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Model test of {@link WriteBatch}: the same seeded random writes (puts over a key space large
 * enough for multi-level trees with splits inside a batch, ignoreValue puts on missing keys, range
 * deletes, txns with compares, nested txns and ranges at compacted revisions) go one by one into
 * one store and in random-sized batches into another. Every write must return the same response and
 * events or throw the same error; after each batch both stores must agree on every revision from
 * the compacted one up (all keys, hashKv, history), compactions run between batches on both, and
 * views pinned before a batch must still read exactly what they read when they were pinned.
 *
 * <p>Replay one sequence with {@code ./mvnw -B -ntp -pl storage test -Dtest=WriteBatchModelTest
 * -Detch.seed=SEED}.
 */
class WriteBatchModelTest {
  private static final int DEFAULT_SEQUENCES = 100;
  private static final int SOAK_SEQUENCES = 10_000;
  private static final int BATCHES_PER_SEQUENCE = 12;
  private static final int KEY_SPACE = 400;
  private static final MvccConfig CONFIG = MvccConfig.builder().maxTxnOps(16).build();
  private static final byte[] ALL_END = {0};
  private static final byte[] ALL_START = {0};

  @Test
  void batchedWritesMatchOneByOneWrites() {
    runSequences(DEFAULT_SEQUENCES);
  }

  @Test
  @Tag("soak")
  void manyMoreBatchedSequencesMatch() {
    runSequences(SOAK_SEQUENCES);
  }

  @Test
  void storeWritesFailWhileABatchIsOpenAndABatchCommitsOnce() {
    MvccStore store = MvccStore.create(CONFIG);
    WriteBatch batch = store.batch();
    batch.put(PutRequest.of(b("k"), b("v")));
    assertThrows(IllegalStateException.class, () -> store.put(PutRequest.of(b("x"), b("y"))));
    assertThrows(IllegalStateException.class, () -> store.compact(1));
    assertThrows(IllegalStateException.class, store::batch);
    assertEquals(0, store.revision(), "nothing visible before commit");
    assertEquals(1, batch.commit().revision());
    assertEquals(1, store.revision());
    assertThrows(IllegalStateException.class, batch::commit);
    assertThrows(IllegalStateException.class, () -> batch.put(PutRequest.of(b("x"), b("y"))));
    store.put(PutRequest.of(b("x"), b("y")));
    assertEquals(2, store.revision());
  }

  @Test
  void aFailedWriteLeavesTheBatchUsableAndChangesNothing() {
    MvccStore store = MvccStore.create(CONFIG);
    WriteBatch batch = store.batch();
    batch.put(PutRequest.of(b("a"), b("1")));
    assertThrows(
        KeyNotFoundException.class,
        () -> batch.put(new PutRequest(b("missing"), new byte[0], 0, false, true, false)));
    assertEquals(1, batch.revision());
    WriteResult<PutResponse> second = batch.put(PutRequest.of(b("a"), b("2")));
    assertEquals(2, second.response().revision());
    MvccView v = batch.commit();
    assertEquals(2, v.revision());
    assertEquals(1, v.get(b("a"), 1).version());
    assertEquals(2, v.get(b("a")).version());
    assertEquals(null, v.get(b("missing")));
  }

  @Test
  void aBatchedPutOfAPresentKeySharesTheTreesKeyArray() {
    MvccStore store = MvccStore.create(CONFIG);
    byte[] first = b("a");
    store.put(PutRequest.of(first, b("1")));
    WriteBatch batch = store.batch();
    byte[] again = b("a");
    WriteResult<PutResponse> w = batch.put(PutRequest.of(again, b("2")));
    assertSame(first, w.events().get(0).kv().key(), "the event carries the tree's array");
    assertSame(first, w.events().get(0).prevKv().key());
    byte[] fresh = b("b");
    assertSame(fresh, batch.put(PutRequest.of(fresh, b("3"))).events().get(0).kv().key());
    MvccView v = batch.commit();
    assertEquals(2, v.get(again).version());
    assertEquals(1, v.get(b("a"), 1).version());
    assertEquals(1, v.get(b("b")).version());
  }

  @Test
  void anEmptyBatchPublishesNothing() {
    MvccStore store = MvccStore.create(CONFIG);
    store.put(PutRequest.of(b("a"), b("1")));
    MvccView before = store.view();
    WriteBatch batch = store.batch();
    batch.deleteRange(DeleteRangeRequest.key(b("nothing")));
    assertSame(before, batch.commit());
    assertSame(before, store.view());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A view of the batched store kept across later batches, with what it read when pinned. */
  private record Pinned(MvccView view, List<KeyValue> all, KvHash hash) {}

  private static final class Sequence {
    private final long seed;
    private final SplittableRandom rnd;
    private final MvccStore single = MvccStore.create(CONFIG);
    private MvccStore batched = MvccStore.create(CONFIG);
    private final List<Pinned> pinned = new ArrayList<>();
    private final byte[][] keys = new byte[KEY_SPACE][];

    Sequence(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      for (int i = 0; i < KEY_SPACE; i++) {
        keys[i] = b(String.format("k%04d", i * 7 % KEY_SPACE));
      }
    }

    void run() {
      for (int batchNo = 0; batchNo < BATCHES_PER_SEQUENCE; batchNo++) {
        String what = "batch " + batchNo + " (seed " + seed + ")";
        int size = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 1 + rnd.nextInt(120);
        WriteBatch batch = batched.batch();
        for (int i = 0; i < size; i++) {
          write(batch, what + ", write " + i);
        }
        MvccView committed = batch.commit();
        assertSame(committed, batched.view(), what);
        compareStores(what);
        checkPinned(what);
        if (rnd.nextInt(3) == 0) {
          pin();
        }
        int dice = rnd.nextInt(10);
        if (dice < 3 && single.revision() > single.view().compactedRevision()) {
          long at =
              single.view().compactedRevision()
                  + 1
                  + rnd.nextLong(single.revision() - single.view().compactedRevision());
          single.compact(at);
          batched.compact(at);
          int step = 1 + rnd.nextInt(200);
          for (int i = rnd.nextInt(3); i > 0; i--) {
            assertEquals(single.compactStep(step), batched.compactStep(step), what + ": step");
          }
        } else if (dice == 3) {
          restoreBatchedFromSnapshot();
        }
        compareStores(what + " after compaction");
        checkPinned(what + " after compaction");
      }
      boolean more = true;
      while (more) {
        more = single.compactStep(50);
        assertEquals(more, batched.compactStep(50), "final compaction");
      }
      compareStores("end");
      checkPinned("end");
      assertEquals(single.view().retainedVersions(), batched.view().retainedVersions());
      assertEquals(single.view().indexedKeys(), batched.view().indexedKeys());
    }

    private void write(WriteBatch batch, String what) {
      int dice = rnd.nextInt(100);
      if (dice < 60) {
        PutRequest p = put();
        same(what + " put", () -> single.put(p), () -> batch.put(p));
      } else if (dice < 70) {
        DeleteRangeRequest d = delete();
        same(what + " delete", () -> single.deleteRange(d), () -> batch.deleteRange(d));
      } else {
        TxnRequest t = txn(2);
        same(what + " txn", () -> single.txn(t), () -> batch.txn(t));
      }
      assertEquals(single.revision(), batch.revision(), what + ": revision");
      if (rnd.nextInt(8) == 0) {
        Compare c = compare();
        assertEquals(single.view().compare(c), batch.compare(c), what + ": compare");
      }
    }

    private static void same(
        String what, Supplier<WriteResult<?>> one, Supplier<WriteResult<?>> inBatch) {
      WriteResult<?> expected;
      try {
        expected = one.get();
      } catch (MvccException e) {
        MvccException actual = assertThrows(MvccException.class, inBatch::get, what);
        assertEquals(e.getClass(), actual.getClass(), what);
        assertEquals(e.getMessage(), actual.getMessage(), what);
        return;
      }
      WriteResult<?> actual = inBatch.get();
      assertEquals(expected.response(), actual.response(), what + ": response");
      assertEquals(expected.events(), actual.events(), what + ": events");
    }

    private byte[] key() {
      return keys[rnd.nextInt(rnd.nextInt(4) == 0 ? KEY_SPACE : 60)];
    }

    private byte[] value() {
      byte[] v = new byte[rnd.nextInt(12)];
      rnd.nextBytes(v);
      return v;
    }

    private PutRequest put() {
      int kind = rnd.nextInt(10);
      if (kind == 0) {
        return new PutRequest(key(), new byte[0], 0, rnd.nextBoolean(), true, false);
      }
      if (kind == 1) {
        return new PutRequest(key(), value(), 0, rnd.nextBoolean(), false, true);
      }
      return new PutRequest(key(), value(), rnd.nextInt(3), rnd.nextBoolean(), false, false);
    }

    private DeleteRangeRequest delete() {
      byte[] k = key();
      if (rnd.nextBoolean()) {
        return new DeleteRangeRequest(k, new byte[0], rnd.nextBoolean());
      }
      byte[] end = k.clone();
      end[end.length - 1] += (byte) (1 + rnd.nextInt(3));
      return new DeleteRangeRequest(k, end, rnd.nextBoolean());
    }

    private Compare compare() {
      byte[] k = key();
      CompareResult r = CompareResult.values()[rnd.nextInt(CompareResult.values().length)];
      return switch (rnd.nextInt(3)) {
        case 0 -> Compare.version(k, r, rnd.nextInt(3));
        case 1 -> Compare.modRevision(k, r, rnd.nextLong(Math.max(1, single.revision() + 2)));
        default -> Compare.value(k, r, value());
      };
    }

    private TxnRequest txn(int depth) {
      List<Compare> compares = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        compares.add(compare());
      }
      return new TxnRequest(compares, ops(depth), ops(depth));
    }

    private List<RequestOp> ops(int depth) {
      List<RequestOp> ops = new ArrayList<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        int dice = rnd.nextInt(10);
        if (dice < 4) {
          ops.add(put());
        } else if (dice < 6) {
          ops.add(delete());
        } else if (dice < 9 || depth == 0) {
          long rev = rnd.nextInt(3) == 0 ? rnd.nextLong(single.revision() + 2) : 0;
          ops.add(RangeRequest.builder(key()).rangeEnd(ALL_END).limit(5).revision(rev).build());
        } else {
          ops.add(txn(depth - 1));
        }
      }
      return ops;
    }

    private void compareStores(String what) {
      MvccView a = single.view();
      MvccView b = batched.view();
      assertEquals(a.revision(), b.revision(), what + ": revision");
      assertEquals(a.compactedRevision(), b.compactedRevision(), what + ": compacted");
      assertEquals(a.keyCount(), b.keyCount(), what + ": key count");
      assertEquals(a.approxBytes(), b.approxBytes(), what + ": approx bytes");
      if (!single.compactionPending()) {
        assertEquals(a.retainedVersions(), b.retainedVersions(), what + ": versions");
        assertEquals(a.indexedKeys(), b.indexedKeys(), what + ": indexed keys");
      }
      for (long rev = Math.max(1, a.compactedRevision()); rev <= a.revision(); rev++) {
        String at = what + " at revision " + rev;
        assertEquals(all(a, rev), all(b, rev), at);
        assertEquals(a.hashKv(rev), b.hashKv(rev), at + ": hashKv");
        byte[] k = key();
        assertEquals(a.get(k, rev), b.get(k, rev), at + ": get");
      }
      Revision from = new Revision(Math.max(1, a.compactedRevision()), 0);
      assertEquals(
          a.history(ALL_START, ALL_END, from, 1 << 20).events(),
          b.history(ALL_START, ALL_END, from, 1 << 20).events(),
          what + ": history");
    }

    private static List<KeyValue> all(MvccView v, long rev) {
      return v.range(RangeRequest.builder(ALL_START).rangeEnd(ALL_END).revision(rev).build()).kvs();
    }

    private void pin() {
      MvccView v = batched.view();
      pinned.add(new Pinned(v, all(v, v.revision()), v.hashKv(v.revision())));
      if (pinned.size() > 4) {
        pinned.remove(0);
      }
    }

    private void checkPinned(String what) {
      for (Pinned p : pinned) {
        long rev = p.view().revision();
        if (rev < p.view().compactedRevision()) {
          continue;
        }
        assertEquals(p.all(), all(p.view(), rev), what + ": view pinned at " + rev);
        assertEquals(p.hash(), p.view().hashKv(rev), what + ": hash of view pinned at " + rev);
      }
    }

    private void restoreBatchedFromSnapshot() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        batched.view().writeSnapshot(out, 7, new byte[0]);
        MvccStore restored =
            MvccStore.restore(new ByteArrayInputStream(out.toByteArray()), CONFIG).store();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        single.view().writeSnapshot(again, 7, new byte[0]);
        MvccStore fromSingle =
            MvccStore.restore(new ByteArrayInputStream(again.toByteArray()), CONFIG).store();
        assertEquals(fromSingle.view().hashKv(0), restored.view().hashKv(0), "snapshot hash");
        if (!single.compactionPending()) {
          batched = restored;
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static void runSequences(int count) {
    SeededRuns.run(
        "write batch mismatch",
        WriteBatchModelTest.class,
        0xba7c0000L,
        count,
        seed -> new Sequence(seed).run());
  }
}
