package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers on other threads read consistent snapshots while the single writer goes on: the writer
 * moves amounts between accounts in txns that keep the total constant, and each view a reader takes
 * must show that total, at its revision and at any older retained revision. The assertion holds for
 * every interleaving, so the test is deterministic in outcome (no timing, no sleeps).
 */
class MvccConcurrencyTest {
  private static final int ACCOUNTS = 50;
  private static final int TOTAL = ACCOUNTS * 100;

  private static byte[] account(int i) {
    return b("acct/" + (100 + i));
  }

  private static byte[] amount(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  private static long sum(List<KeyValue> kvs) {
    long s = 0;
    for (KeyValue kv : kvs) {
      s += Long.parseLong(new String(kv.value(), StandardCharsets.US_ASCII));
    }
    return s;
  }

  @Test
  void readersSeeConsistentSnapshotsWhileTheWriterGoesOn() throws Exception {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    for (int i = 0; i < ACCOUNTS; i++) {
      store.put(PutRequest.of(account(i), amount(100)));
    }
    long firstRevision = store.revision();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Runnable reader =
        () -> {
          RangeRequest all = RangeRequest.prefix(b("acct/"));
          while (!done.get() && failure.get() == null) {
            MvccView view = store.view();
            RangeResponse now = view.range(all);
            if (now.count() != ACCOUNTS || sum(now.kvs()) != TOTAL) {
              failure.set(new AssertionError("inconsistent view at " + view.revision()));
            }
            long old = Math.max(view.compactedRevision(), firstRevision);
            RangeResponse then = view.range(all.toBuilder().revision(old).build());
            if (sum(then.kvs()) != TOTAL) {
              failure.set(new AssertionError("inconsistent history at " + old));
            }
            reads.incrementAndGet();
          }
        };
    Thread r1 = new Thread(reader, "reader-1");
    Thread r2 = new Thread(reader, "reader-2");
    r1.start();
    r2.start();
    SplittableRandom rnd = new SplittableRandom(7);
    try {
      for (int t = 0; t < 20_000 && failure.get() == null; t++) {
        int from = rnd.nextInt(ACCOUNTS);
        int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        MvccView v = store.view();
        KeyValue a = v.get(account(from));
        KeyValue c = v.get(account(to));
        long x = Long.parseLong(new String(a.value(), StandardCharsets.US_ASCII));
        long y = Long.parseLong(new String(c.value(), StandardCharsets.US_ASCII));
        long move = x == 0 ? 0 : 1 + rnd.nextInt((int) x);
        TxnResponse resp =
            store
                .txn(
                    new TxnRequest(
                        List.of(
                            Compare.modRevision(
                                account(from), CompareResult.EQUAL, a.modRevision()),
                            Compare.modRevision(account(to), CompareResult.EQUAL, c.modRevision())),
                        List.of(
                            PutRequest.of(account(from), amount(x - move)),
                            PutRequest.of(account(to), amount(y + move))),
                        List.of()))
                .response();
        assertTrue(resp.succeeded());
        if (t % 2_000 == 1_999) {
          store.compact(store.revision() - 100);
          while (store.compactStep(7)) {
            // readers keep reading between batches
          }
        }
      }
    } finally {
      done.set(true);
      r1.join();
      r2.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertTrue(reads.get() > 0);
    assertEquals(TOTAL, sum(store.range(RangeRequest.prefix(b("acct/"))).kvs()));
  }
}
