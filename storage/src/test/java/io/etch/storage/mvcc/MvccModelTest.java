package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Model-based property test: thousands of seeded random sequences of puts, deletes, nested txns,
 * ranges at old revisions, history scans, compactions (batched, interleaved with writes) and
 * snapshot round trips, each checked against {@link ReferenceModel}.
 *
 * <p>Replay one sequence with {@code ./mvnw -B -ntp -pl storage test -Dtest=MvccModelTest
 * -Detch.seed=SEED}.
 */
class MvccModelTest {
  private static final int DEFAULT_SEQUENCES = 10_000;
  private static final int SOAK_SEQUENCES = 200_000;
  private static final int OPS_PER_SEQUENCE = 80;

  private static final byte[][] KEYS = {
    b("a"),
    b("a0"),
    b("a1"),
    b("ab"),
    b("b"),
    b("b0"),
    b("c"),
    b("cc"),
    b("d"),
    {(byte) 0x80},
    {(byte) 0xff},
    {(byte) 0xff, (byte) 0xff},
    {0, 1}
  };
  // the longest value packed into a value slab, and the shortest that keeps an array of its own
  private static final byte[][] VALUES = {
    b(""),
    b("x"),
    b("y"),
    b("zz"),
    {(byte) 0x90, 1},
    filled(ValueSlabs.MAX_SLAB_VALUE_BYTES, 'p'),
    filled(ValueSlabs.MAX_SLAB_VALUE_BYTES + 1, 'q')
  };
  private static final int MAX_PINNED_VIEWS = 4;
  private static final int KEYS_CHECKED_PER_STEP = 3;
  private static final MvccConfig CONFIG = MvccConfig.builder().maxTxnOps(16).build();

  @Test
  void randomSequencesMatchTheReferenceModel() {
    runSequences(DEFAULT_SEQUENCES);
  }

  @Test
  @Tag("soak")
  void manyMoreRandomSequencesMatchTheReferenceModel() {
    runSequences(SOAK_SEQUENCES);
  }

  /** A view kept across later steps and what it returned at some revisions when it was taken. */
  private record PinnedView(MvccView view, long[] revisions, KeyValue[][] expected) {}

  private static byte[] filled(int length, char c) {
    byte[] v = new byte[length];
    Arrays.fill(v, (byte) c);
    v[length - 1] = (byte) length;
    return v;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One random sequence of operations applied to the store and the model side by side. */
  private static final class Sequence {
    private final long seed;
    private final SplittableRandom rnd;
    private final ReferenceModel model = new ReferenceModel(CONFIG);
    private MvccStore store = MvccStore.create(CONFIG);
    // A separate stream, so that adding point-get checks left each seed's operations unchanged.
    private final SplittableRandom getRnd;
    private final List<PinnedView> pinned = new ArrayList<>();

    Sequence(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      this.getRnd = new SplittableRandom(~seed);
    }

    void run() {
      for (int step = 0; step < OPS_PER_SEQUENCE; step++) {
        int dice = rnd.nextInt(100);
        String what = "step " + step + " (seed " + seed + ")";
        if (dice < 30) {
          put(what);
        } else if (dice < 40) {
          delete(what);
        } else if (dice < 58) {
          txn(what);
        } else if (dice < 78) {
          range(what);
        } else if (dice < 84) {
          history(what);
        } else if (dice < 90) {
          compact(what);
        } else if (dice < 95) {
          if (store.compactionPending()) {
            store.compactStep(1 + rnd.nextInt(3));
          }
        } else if (dice < 97) {
          snapshotRoundTrip(what);
        } else {
          hashAndLeases(what);
        }
        checkInvariants(what);
        checkPointGets(what);
      }
      while (store.compactStep(4)) {
        checkInvariants("final compaction");
        checkPointGets("final compaction");
      }
      checkInvariants("end");
      checkPointGets("end");
      assertEquals(model.retainedVersions(), store.view().retainedVersions(), "retained versions");
      assertEquals(model.keys.size(), store.view().indexedKeys(), "indexed keys");
    }

    private void checkInvariants(String what) {
      MvccView v = store.view();
      assertEquals(model.rev, v.revision(), what + ": revision");
      assertEquals(model.compacted, v.compactedRevision(), what + ": compacted");
      assertEquals(model.liveKeys(), v.keyCount(), what + ": key count");
      if (!store.compactionPending()) {
        assertEquals(model.retainedVersions(), v.retainedVersions(), what + ": versions");
        assertEquals(model.keys.size(), v.indexedKeys(), what + ": indexed keys");
      }
    }

    /**
     * Point gets go through the {@link HeadIndex}, which all views of a store share while the
     * writer goes on: the current view's get and single-key range (both served by the index) must
     * agree with the model and with a range scanned through the tree at a random readable revision,
     * and views pinned at earlier steps must keep returning what the model said when they were
     * pinned, across later writes, deletes, physical compaction and snapshot restores. Lookups use
     * copies of the keys, so the index compares key contents, not references.
     */
    private void checkPointGets(String what) {
      MvccView v = store.view();
      for (int i = 0; i < KEYS_CHECKED_PER_STEP; i++) {
        byte[] key = KEYS[getRnd.nextInt(KEYS.length)];
        long at = readableRevision();
        ReferenceModel.V m = model.liveAt(key, at);
        KeyValue expected = m == null ? null : m.kv(key);
        Supplier<String> where = () -> what + ": get " + Keys.printable(key) + " at " + at;
        assertEquals(expected, v.get(key.clone(), at), where);
        RangeResponse viaIndex = v.range(RangeRequest.builder(key.clone()).revision(at).build());
        assertEquals(expected == null ? List.of() : List.of(expected), viaIndex.kvs(), where);
        // [key, key + "\0") holds the key alone but is scanned with a tree cursor.
        byte[] justAfter = Arrays.copyOf(key, key.length + 1);
        RangeResponse viaTree =
            v.range(RangeRequest.builder(key.clone()).rangeEnd(justAfter).revision(at).build());
        assertEquals(expected == null ? List.of() : List.of(expected), viaTree.kvs(), where);
      }
      if (getRnd.nextInt(8) == 0) {
        pin(v);
      }
      for (PinnedView p : pinned) {
        int r = getRnd.nextInt(p.revisions().length);
        long at = p.revisions()[r];
        for (int k = 0; k < KEYS.length; k++) {
          byte[] key = KEYS[k];
          assertEquals(
              p.expected()[r][k],
              p.view().get(key.clone(), at),
              () ->
                  what
                      + ": view pinned at revision "
                      + p.view().revision()
                      + ", get "
                      + Keys.printable(key)
                      + " at "
                      + at);
        }
        int k = getRnd.nextInt(KEYS.length);
        KeyValue expected = p.expected()[r][k];
        assertEquals(
            expected == null ? List.of() : List.of(expected),
            p.view().range(RangeRequest.builder(KEYS[k].clone()).revision(at).build()).kvs(),
            () -> what + ": single-key range on a pinned view at " + at);
      }
    }

    /** A revision {@code get} may read now: the current one, or one in [compacted, current]. */
    private long readableRevision() {
      long low = Math.max(1, model.compacted);
      return model.rev < low ? 0 : low + getRnd.nextInt((int) (model.rev - low) + 1);
    }

    private void pin(MvccView v) {
      long[] revisions = {readableRevision(), readableRevision(), v.revision()};
      KeyValue[][] expected = new KeyValue[revisions.length][KEYS.length];
      for (int r = 0; r < revisions.length; r++) {
        for (int k = 0; k < KEYS.length; k++) {
          ReferenceModel.V m = model.liveAt(KEYS[k], revisions[r]);
          expected[r][k] = m == null ? null : m.kv(KEYS[k]);
        }
      }
      PinnedView p = new PinnedView(v, revisions, expected);
      if (pinned.size() < MAX_PINNED_VIEWS) {
        pinned.add(p);
      } else {
        pinned.set(getRnd.nextInt(MAX_PINNED_VIEWS), p);
      }
    }

    // ---- generators ------------------------------------------------------------------------

    private byte[] key() {
      return KEYS[rnd.nextInt(KEYS.length)];
    }

    private byte[] value() {
      return VALUES[rnd.nextInt(VALUES.length)];
    }

    private byte[] rangeEnd(byte[] key) {
      int d = rnd.nextInt(6);
      if (d == 0) {
        return new byte[0];
      }
      if (d == 1) {
        return new byte[] {0};
      }
      if (d == 2) {
        return Keys.prefixEnd(key);
      }
      byte[] other = key();
      return Arrays.compareUnsigned(other, key) >= 0 ? other : Keys.prefixEnd(key);
    }

    private long revision() {
      int d = rnd.nextInt(4);
      if (d == 0) {
        return 0;
      }
      return Math.max(
          0, model.compacted - 1 + rnd.nextInt((int) (model.rev - model.compacted) + 3));
    }

    private PutRequest putRequest(byte[] key) {
      boolean ignoreValue = rnd.nextInt(12) == 0;
      boolean ignoreLease = rnd.nextInt(12) == 0;
      return new PutRequest(
          key,
          ignoreValue ? new byte[0] : value(),
          ignoreLease ? 0 : rnd.nextInt(3),
          rnd.nextBoolean(),
          ignoreValue,
          ignoreLease);
    }

    private RangeRequest rangeRequest(boolean inTxn) {
      byte[] key = key();
      RangeRequest.Builder b =
          RangeRequest.builder(key)
              .rangeEnd(rangeEnd(key))
              .limit(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(4))
              .revision(inTxn ? (rnd.nextBoolean() ? 0 : model.rev) : revision())
              .sort(SortOrder.values()[rnd.nextInt(3)], SortTarget.values()[rnd.nextInt(5)])
              .keysOnly(rnd.nextInt(5) == 0)
              .countOnly(rnd.nextInt(8) == 0);
      if (rnd.nextInt(4) == 0) {
        b.modRevisions(rnd.nextInt((int) model.rev + 2), rnd.nextInt((int) model.rev + 2));
      }
      if (rnd.nextInt(4) == 0) {
        b.createRevisions(rnd.nextInt((int) model.rev + 2), rnd.nextInt((int) model.rev + 2));
      }
      return b.build();
    }

    private Compare compareOp() {
      byte[] key = key();
      CompareTarget t = CompareTarget.values()[rnd.nextInt(5)];
      CompareResult r = CompareResult.values()[rnd.nextInt(4)];
      long number =
          switch (t) {
            case VERSION -> rnd.nextInt(4);
            case LEASE -> rnd.nextInt(3);
            default -> rnd.nextInt((int) model.rev + 2);
          };
      byte[] end = rnd.nextInt(4) == 0 ? rangeEnd(key) : new byte[0];
      return new Compare(key, end, t, r, number, value());
    }

    /** Builds a txn whose writes never collide (drawn without replacement from {@code pool}). */
    private TxnRequest txnRequest(List<byte[]> pool, int depth) {
      List<Compare> cmps = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        cmps.add(compareOp());
      }
      List<RequestOp> then = branch(pool, depth, null);
      List<RequestOp> otherwise = branch(pool, depth, then);
      return new TxnRequest(cmps, then, otherwise);
    }

    private List<RequestOp> branch(List<byte[]> pool, int depth, List<RequestOp> sibling) {
      List<RequestOp> ops = new ArrayList<>();
      boolean reused = false;
      for (int i = rnd.nextInt(4); i > 0; i--) {
        int d = rnd.nextInt(10);
        if (d < 3) {
          ops.add(rangeRequest(true));
        } else if (d < 6 && !pool.isEmpty()) {
          ops.add(putRequest(pool.remove(pool.size() - 1)));
        } else if (d < 8 && !pool.isEmpty()) {
          ops.add(new DeleteRangeRequest(pool.remove(pool.size() - 1), null, rnd.nextBoolean()));
        } else if (d < 9 && sibling != null && depth > 0 && !reused) {
          reused = true;
          // The else branch of a nested txn may put a key its then branch puts.
          for (RequestOp op : sibling) {
            if (op instanceof PutRequest p) {
              ops.add(PutRequest.of(p.key(), value()));
              break;
            }
          }
        } else if (depth < 2) {
          ops.add(txnRequest(pool, depth + 1));
        }
      }
      return ops;
    }

    // ---- operations ------------------------------------------------------------------------

    private <R> void both(String what, Supplier<R> onStore, Supplier<R> onModel) {
      R expected;
      RuntimeException modelError = null;
      var saved = model.copyKeys();
      long savedRev = model.rev;
      int savedLog = model.log.size();
      try {
        expected = onModel.get();
      } catch (MvccException e) {
        modelError = e;
        expected = null;
        model.restoreKeys(saved);
        model.rev = savedRev;
        model.log.subList(savedLog, model.log.size()).clear();
      }
      R actual;
      try {
        actual = onStore.get();
      } catch (MvccException e) {
        if (modelError == null) {
          throw new AssertionError(what + ": store threw but model did not", e);
        }
        assertEquals(modelError.getClass(), e.getClass(), what + ": error kind");
        return;
      }
      if (modelError != null) {
        throw new AssertionError(what + ": model threw but store did not: " + actual, modelError);
      }
      assertEquals(expected, actual, what);
    }

    private void put(String what) {
      PutRequest p = putRequest(key());
      both(
          what + " put",
          () -> store.put(p),
          () -> {
            ReferenceModel.Tx tx = model.new Tx();
            PutResponse r = tx.put(p);
            tx.commit();
            return new WriteResult<>(r, tx.events);
          });
    }

    private void delete(String what) {
      byte[] key = key();
      DeleteRangeRequest d = new DeleteRangeRequest(key, rangeEnd(key), rnd.nextBoolean());
      both(
          what + " delete",
          () -> store.deleteRange(d),
          () -> {
            ReferenceModel.Tx tx = model.new Tx();
            DeleteRangeResponse r = tx.delete(d);
            tx.commit();
            return new WriteResult<>(r, tx.events);
          });
    }

    private void txn(String what) {
      List<byte[]> pool = new ArrayList<>(Arrays.asList(KEYS));
      Collections.shuffle(pool, new Random(rnd.nextLong()));
      TxnRequest t = txnRequest(pool, 0);
      both(
          what + " txn",
          () -> store.txn(t),
          () -> {
            ReferenceModel.Tx tx = model.new Tx();
            tx.plan(t);
            TxnResponse r = tx.run(t);
            tx.commit();
            return new WriteResult<>(r, tx.events);
          });
    }

    private void range(String what) {
      RangeRequest r = rangeRequest(false);
      MvccView view = store.view();
      both(what + " range", () -> view.range(r), () -> model.range(r, model.rev));
    }

    private void history(String what) {
      byte[] key = key();
      byte[] end = rangeEnd(key);
      long fromMain =
          Math.max(1, model.compacted - 1 + rnd.nextInt((int) (model.rev - model.compacted) + 3));
      Revision from = new Revision(fromMain, rnd.nextInt(2));
      int max = 1 + rnd.nextInt(5);
      MvccView view = store.view();
      both(
          what + " history",
          () -> {
            List<Event> all = new ArrayList<>();
            Revision next = from;
            while (true) {
              HistoryPage page = view.history(key, end, next, max);
              all.addAll(page.events());
              if (!page.more()) {
                Revision end0 = new Revision(view.revision() + 1, 0);
                assertEquals(next.compareTo(end0) > 0 ? next : end0, page.next(), "end position");
                return all;
              }
              assertEquals(max, page.events().size(), "full page");
              next = page.next();
            }
          },
          () -> model.history(key, end, from));
    }

    private void compact(String what) {
      long c =
          Math.max(0, model.compacted - 1 + rnd.nextInt((int) (model.rev - model.compacted) + 3));
      try {
        model.compact(c);
      } catch (MvccException e) {
        MvccException actual = assertThrows(MvccException.class, () -> store.compact(c), what);
        assertEquals(e.getClass(), actual.getClass(), what + ": compact error kind");
        return;
      }
      store.compact(c);
      KvHash logical = store.view().hashKv(0);
      assertEquals(c, logical.compactRevision(), what + ": hash compact revision");
      assertEquals(model.hash(model.rev), logical.hash(), what + ": hash vs model");
      if (rnd.nextBoolean()) {
        // Finish now; otherwise later steps interleave with writes.
        while (store.compactStep(1 + rnd.nextInt(4))) {
          assertEquals(logical, store.view().hashKv(0), what + ": hash during compaction");
        }
        assertEquals(logical, store.view().hashKv(0), what + ": hash across compaction");
      }
    }

    private void snapshotRoundTrip(String what) {
      MvccView view = store.view();
      long applied = rnd.nextLong();
      byte[] extra = value();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        view.writeSnapshot(out, applied, extra);
        RestoredStore restored =
            MvccStore.restore(new ByteArrayInputStream(out.toByteArray()), CONFIG);
        assertEquals(applied, restored.appliedIndex(), what + ": applied index");
        assertEquals(Arrays.toString(extra), Arrays.toString(restored.extra()), what + ": extra");
        assertEquals(view.hashKv(0), restored.store().view().hashKv(0), what + ": hash");
        store = restored.store();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void hashAndLeases(String what) {
      long r = model.compacted + rnd.nextInt((int) (model.rev - model.compacted) + 1);
      if (r > 0) {
        assertEquals(model.hash(r), store.view().hashKv(r).hash(), what + ": hash at " + r);
      }
      Long2ObjectHashMap<List<byte[]>> byLease = store.view().keysByLease();
      Map<Long, List<String>> expected = new TreeMap<>();
      for (byte[] k : model.keys.keySet()) {
        ReferenceModel.V v = model.liveAt(k, model.rev);
        if (v != null && v.lease() != 0) {
          expected.computeIfAbsent(v.lease(), x -> new ArrayList<>()).add(Keys.printable(k));
        }
      }
      Map<Long, List<String>> actual = new TreeMap<>();
      byLease.forEach(
          (lease, keys) -> {
            List<String> names = new ArrayList<>();
            keys.forEach(k -> names.add(Keys.printable(k)));
            actual.put(lease, names);
          });
      assertEquals(expected, actual, what + ": keys by lease");
    }
  }

  private static void runSequences(int count) {
    SeededRuns.run(
        "MVCC model mismatch",
        MvccModelTest.class,
        0x5eed0000L,
        count,
        seed -> new Sequence(seed).run());
  }
}
