package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random sequences long enough to fill many value slabs: puts of slab-sized, slab-boundary
 * and own-array values (ignoreValue too), deletes, txns, write batches, compactions interleaved
 * with writes, views pinned across them and snapshot round trips, each checked against {@link
 * ReferenceModel} (reads, hashKv spelled out over plain bytes). Whenever a compaction completes, no
 * version in the head tree may sit in a slab older than the one current when it started.
 *
 * <p>Replay one sequence with {@code ./mvnw -B -ntp -pl storage test -Dtest=ValueSlabsModelTest
 * -Detch.seed=SEED}.
 */
class ValueSlabsModelTest {
  private static final int SEQUENCES = 16;
  private static final int OPS_PER_SEQUENCE = 1_500;
  private static final int KEYS = 48;
  private static final int MAX_PINNED_VIEWS = 4;
  private static final MvccConfig CONFIG = MvccConfig.defaults();
  private static final byte[] ALL = {0};

  @Test
  void longRandomSequencesOverManySlabsMatchTheReferenceModel() {
    SeededRuns.run(
        "slab model sequence",
        ValueSlabsModelTest.class,
        9_000,
        SEQUENCES,
        seed -> new Sequence(seed).run());
  }

  private record Pinned(MvccView view, RangeResponse all) {}

  private static final class Sequence {
    private final SplittableRandom rnd;
    private final ReferenceModel model = new ReferenceModel(CONFIG);
    private MvccStore store = MvccStore.create(CONFIG);
    private final List<Pinned> pinned = new ArrayList<>();
    private long compactionStartSerial;
    private long compactionsOverOldSlabs;

    Sequence(long seed) {
      this.rnd = new SplittableRandom(seed);
    }

    void run() {
      for (int step = 0; step < OPS_PER_SEQUENCE; step++) {
        String what = "step " + step;
        int dice = rnd.nextInt(100);
        if (dice < 50) {
          put(what);
        } else if (dice < 58) {
          delete(what);
        } else if (dice < 66) {
          txn(what);
        } else if (dice < 72) {
          batch(what);
        } else if (dice < 75) {
          compact(what);
        } else if (dice < 88) {
          step(what, 1 + rnd.nextInt(8));
        } else if (dice < 91) {
          pin();
        } else if (dice < 96) {
          checkPinned(what);
        } else if (dice < 97) {
          snapshotRoundTrip(what);
        } else {
          // hashKv(0) means the current revision
          long r =
              Math.max(1, model.compacted + rnd.nextInt((int) (model.rev - model.compacted) + 1));
          r = Math.min(r, model.rev);
          assertEquals(model.hash(r), store.view().hashKv(r).hash(), what + ": hash at " + r);
        }
        byte[] key = key();
        assertEquals(
            model.range(RangeRequest.get(key), model.rev),
            store.view().range(RangeRequest.get(key)),
            what + ": get");
      }
      step("end", Integer.MAX_VALUE);
      checkAll("end");
      checkPinned("end");
      assertTrue(
          store.slabs().currentSerial() > 3, "many slabs filled: " + store.slabs().currentSerial());
      assertTrue(compactionsOverOldSlabs > 0, "some compaction moved values");
    }

    private byte[] key() {
      return String.format("key/%02d", rnd.nextInt(KEYS)).getBytes();
    }

    private byte[] value() {
      int d = rnd.nextInt(20);
      int length =
          switch (d) {
            case 0 -> 0;
            case 1 -> ValueSlabs.MAX_SLAB_VALUE_BYTES;
            case 2 -> ValueSlabs.MAX_SLAB_VALUE_BYTES + 1;
            case 3 -> ValueSlabs.MAX_SLAB_VALUE_BYTES + 1 + rnd.nextInt(3000);
            default -> 1 + rnd.nextInt(ValueSlabs.MAX_SLAB_VALUE_BYTES);
          };
      byte[] v = new byte[length];
      rnd.nextBytes(v);
      return v;
    }

    private PutRequest putRequest(byte[] key) {
      boolean ignoreValue = model.liveAt(key, model.rev) != null && rnd.nextInt(6) == 0;
      return new PutRequest(
          key, ignoreValue ? KeyValue.EMPTY : value(), rnd.nextInt(3), false, ignoreValue, false);
    }

    private void put(String what) {
      PutRequest p = putRequest(key());
      WriteResult<PutResponse> actual = store.put(p);
      ReferenceModel.Tx tx = model.new Tx();
      PutResponse r = tx.put(p);
      tx.commit();
      assertEquals(new WriteResult<>(r, tx.events), actual, what + ": put");
    }

    private void delete(String what) {
      byte[] key = key();
      byte[] end = rnd.nextInt(4) == 0 ? null : key;
      DeleteRangeRequest d =
          end == null
              ? DeleteRangeRequest.key(key)
              : new DeleteRangeRequest(key, rangeEndAfter(key), true);
      WriteResult<DeleteRangeResponse> actual = store.deleteRange(d);
      ReferenceModel.Tx tx = model.new Tx();
      DeleteRangeResponse r = tx.delete(d);
      tx.commit();
      assertEquals(new WriteResult<>(r, tx.events), actual, what + ": delete");
    }

    private static byte[] rangeEndAfter(byte[] key) {
      byte[] end = key.clone();
      end[end.length - 1] += 3;
      return end;
    }

    private void txn(String what) {
      byte[] a = key();
      byte[] b = key();
      List<RequestOp> then = new ArrayList<>();
      then.add(putRequest(a));
      if (!Arrays.equals(a, b)) {
        then.add(rnd.nextBoolean() ? putRequest(b) : DeleteRangeRequest.key(b));
      }
      Compare cmp = Compare.value(a, CompareResult.NOT_EQUAL, value());
      TxnRequest t = new TxnRequest(List.of(cmp), then, List.of(RangeRequest.range(ALL, ALL)));
      WriteResult<TxnResponse> actual;
      try {
        actual = store.txn(t);
      } catch (KeyNotFoundException e) {
        return; // an ignoreValue put planned on a key the txn's compare failed over; nothing
        // written
      }
      ReferenceModel.Tx tx = model.new Tx();
      tx.plan(t);
      TxnResponse r = tx.run(t);
      tx.commit();
      assertEquals(new WriteResult<>(r, tx.events), actual, what + ": txn");
    }

    private void batch(String what) {
      WriteBatch batch = store.batch();
      int writes = 1 + rnd.nextInt(6);
      for (int i = 0; i < writes; i++) {
        PutRequest p = putRequest(key());
        WriteResult<PutResponse> actual = batch.put(p);
        ReferenceModel.Tx tx = model.new Tx();
        PutResponse r = tx.put(p);
        tx.commit();
        assertEquals(new WriteResult<>(r, tx.events), actual, what + ": batch put " + i);
      }
      batch.commit();
    }

    private void compact(String what) {
      if (model.rev == model.compacted) {
        return;
      }
      long c = model.compacted + 1 + rnd.nextInt((int) (model.rev - model.compacted));
      model.compact(c);
      compactionStartSerial = store.slabs().currentSerial();
      store.compact(c);
      assertEquals(model.hash(model.rev), store.view().hashKv(0).hash(), what + ": hash");
    }

    private void step(String what, int maxKeys) {
      if (!store.compactionPending()) {
        return;
      }
      boolean more = store.compactStep(maxKeys);
      if (!more) {
        assertNoSlabBelow(store.view(), compactionStartSerial, what);
        if (compactionStartSerial > 1) {
          compactionsOverOldSlabs++;
        }
        assertEquals(model.retainedVersions(), store.view().retainedVersions(), what);
      }
    }

    private void pin() {
      if (pinned.size() == MAX_PINNED_VIEWS) {
        pinned.remove(rnd.nextInt(pinned.size()));
      }
      pinned.add(new Pinned(store.view(), model.range(RangeRequest.range(ALL, ALL), model.rev)));
    }

    private void checkPinned(String what) {
      for (Pinned p : pinned) {
        assertEquals(p.all(), p.view().range(RangeRequest.range(ALL, ALL)), what + ": pinned");
        for (KeyValue kv : p.all().kvs()) {
          assertEquals(
              kv, p.view().range(RangeRequest.get(kv.key())).kvs().get(0), what + ": pinned get");
        }
      }
    }

    private void checkAll(String what) {
      assertEquals(
          model.range(RangeRequest.range(ALL, ALL), model.rev),
          store.view().range(RangeRequest.range(ALL, ALL)),
          what + ": all keys");
      for (long r = Math.max(1, model.compacted); r <= model.rev; r += 1 + rnd.nextInt(40)) {
        assertEquals(model.hash(r), store.view().hashKv(r).hash(), what + ": hash at " + r);
      }
    }

    private void snapshotRoundTrip(String what) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MvccView view = store.view();
        view.writeSnapshot(out, 1, null);
        MvccStore back =
            MvccStore.restore(new ByteArrayInputStream(out.toByteArray()), CONFIG).store();
        assertEquals(view.hashKv(0), back.view().hashKv(0), what + ": restored hash");
        if (rnd.nextBoolean() && !store.compactionPending()) {
          store = back; // go on with the restored store and its own slabs
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Fails if a version in {@code view}'s tree holds a value in a slab older than {@code serial}.
   */
  static void assertNoSlabBelow(MvccView view, long serial, String what) {
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    while (c.next()) {
      for (Version v = c.value(); v != null; v = v.older) {
        if (v.inSlab()) {
          long s = ValueSlabs.serialOf(v.valueArray);
          assertTrue(s >= serial, what + ": a value in slab " + s + " below " + serial);
        }
      }
    }
  }
}
