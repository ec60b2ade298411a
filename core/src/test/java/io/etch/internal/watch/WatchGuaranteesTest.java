package io.etch.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.KeyRange;
import io.etch.storage.mvcc.DeleteRangeRequest;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RequestOp;
import io.etch.storage.mvcc.TxnRequest;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every guarantee etcd documents, checked against the committed history over seeded random
 * workloads: puts, deletes, multi-key transactions, compaction racing with catching-up watchers,
 * watchers created at random old (and future) revisions, watchers closed and resumed from the last
 * revision seen + 1, periodic and requested progress, snapshot installs ({@link WatchHub#restore}
 * after writes the member missed), and slow listeners that hold their executor thread until the
 * end, on a real thread pool.
 */
class WatchGuaranteesTest {
  private static final Long FIXED_SEED = Long.getLong("etch.seed");
  private static final long BASE_SEED = 0x3A7C_11L;
  private static final int RUNS = 6;
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=WatchGuaranteesTest -Detch.seed=";

  private int compactedErrors;
  private int stepsWithUnsynced;
  private int restores;

  static ConditionFactory await() {
    return Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(60));
  }

  @Test
  void randomizedWorkloadsKeepEveryGuarantee() throws Exception {
    if (FIXED_SEED != null) {
      run(FIXED_SEED);
      return;
    }
    for (int i = 0; i < RUNS; i++) {
      run(BASE_SEED + i);
    }
    // the workloads did exercise the slow paths
    assertTrue(compactedErrors > 0, "no watcher was overtaken by compaction");
    assertTrue(stepsWithUnsynced > 0, "no watcher ever fell behind");
    assertTrue(restores > 0, "no snapshot install");
  }

  /** The same workloads over many more seeds (run with {@code -Psoak}). */
  @Test
  @Tag("soak")
  void manySeeds() throws Exception {
    long base = Long.getLong("etch.soakSeed", 0x50A4_0000L);
    for (int i = 0; i < 300; i++) {
      run(base + i);
    }
  }

  /** One logical watch: a chain of segments, each resumed from the last revision seen + 1. */
  private static final class Logical {
    final KeyRange range;
    final ByteSequence key;
    final WatchOption base;
    final boolean slow;
    final List<Recorder> segments = new ArrayList<>();
    final List<Long> starts = new ArrayList<>();
    Watcher current;

    Logical(ByteSequence key, WatchOption base, boolean slow) {
      this.key = key;
      this.base = base;
      this.range = base.range(key);
      this.slow = slow;
    }

    Recorder last() {
      return segments.get(segments.size() - 1);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void run(long seed) throws Exception {
    String context = "seed " + seed + "; replay: " + REPLAY + seed;
    SplittableRandom rnd = new SplittableRandom(seed);
    // the member's store; a snapshot install replaces it
    MvccStore[] current = {MvccStore.create(MvccConfig.defaults())};
    ExecutorService pool = Executors.newFixedThreadPool(6);
    ManualTimer timer = new ManualTimer();
    WatchHub hub =
        WatchHub.builder()
            .memberName("guarantees-" + seed)
            .views(() -> current[0].view())
            .callbackExecutor(pool)
            .progressTimer(timer)
            .progressNotifyInterval(Duration.ofSeconds(1))
            .maxPendingEventsPerWatcher(2 + rnd.nextInt(8))
            .catchUpPageEvents(1 + rnd.nextInt(6))
            .build();
    WatchModel model = new WatchModel(current[0], hub);
    Semaphore gate = new Semaphore(0);
    List<Logical> watches = new ArrayList<>();
    int slowCount = 0;
    try {
      for (int step = 0; step < 500; step++) {
        MvccStore store = current[0];
        int p = rnd.nextInt(100);
        if (p < 40) {
          model.applied(store.put(PutRequest.of(b(key(rnd)), b("v" + step))));
        } else if (p < 48) {
          model.applied(store.deleteRange(DeleteRangeRequest.key(b(key(rnd)))));
        } else if (p < 50) {
          String prefix = rnd.nextBoolean() ? "k1" : "j";
          model.applied(
              store.deleteRange(
                  DeleteRangeRequest.range(
                      b(prefix), KeyRange.prefixEnd(ByteSequence.from(prefix)).getBytes())));
        } else if (p < 65) {
          LinkedHashSet<String> keys = new LinkedHashSet<>();
          int n = 2 + rnd.nextInt(5);
          while (keys.size() < n) {
            keys.add(key(rnd));
          }
          List<RequestOp> ops = new ArrayList<>();
          for (String k : keys) {
            ops.add(
                rnd.nextInt(4) == 0
                    ? DeleteRangeRequest.key(b(k))
                    : PutRequest.of(b(k), b("t" + step)));
          }
          model.applied(store.txn(new TxnRequest(List.of(), ops, List.of())));
        } else if (p < 74 && watches.size() < 40) {
          boolean slow = slowCount < 2 && rnd.nextInt(5) == 0;
          slowCount += slow ? 1 : 0;
          Logical l = new Logical(watchKey(rnd), option(rnd, store), slow);
          watches.add(l);
          start(hub, l, l.base.startRevision(), gate);
        } else if (p < 79 && !watches.isEmpty()) {
          Logical l = watches.get(rnd.nextInt(watches.size()));
          if (!l.slow && !l.last().ended()) {
            Recorder r = l.last();
            l.current.close();
            await().until(r::ended);
            long from =
                r.lastEventRevision() > 0
                    ? r.lastEventRevision() + 1
                    : effectiveStart(l, l.segments.size() - 1);
            start(hub, l, from, gate);
          }
        } else if (p < 81 && store.revision() > store.view().compactedRevision()) {
          long lo = store.view().compactedRevision() + 1;
          store.compact(lo + rnd.nextLong(store.revision() - lo + 1));
        } else if (p < 90) {
          timer.fire();
        } else if (p < 96 && !watches.isEmpty()) {
          watches.get(rnd.nextInt(watches.size())).current.requestProgress();
        } else if (p >= 96) {
          // a lagging member installs the leader's snapshot: writes it never applied, then the
          // store is replaced by a snapshot holding them and the hub is restored over it
          for (int i = rnd.nextInt(4); i > 0; i--) {
            model.history.addAll(store.put(PutRequest.of(b(key(rnd)), b("m" + step))).events());
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          store.view().writeSnapshot(out, step, new byte[0]);
          current[0] =
              MvccStore.restore(new ByteArrayInputStream(out.toByteArray()), MvccConfig.defaults())
                  .store();
          hub.restore(current[0].view());
          restores++;
        }
        if (current[0].compactionPending()) {
          current[0].compactStep(1 + rnd.nextInt(4));
        }
        if (hub.stats().unsynced() > 0) {
          stepsWithUnsynced++;
        }
      }
      gate.release(1_000_000);
      long finalRevision = current[0].revision();
      for (Logical l : watches) {
        Recorder r = l.last();
        l.current.requestProgress();
        await().until(() -> r.ended() || r.lastProgress() == finalRevision);
      }
      int errors = 0;
      for (Logical l : watches) {
        verify(context, model, l);
        for (Recorder r : l.segments) {
          errors += r.error() != null ? 1 : 0;
        }
      }
      compactedErrors += errors;
      System.out.printf(
          "seed %d: %d revisions, %d watches, %d ended by compaction%n",
          seed, current[0].revision(), watches.size(), errors);
      assertTrue(hub.stats().synced() <= hub.stats().watchers(), context);
    } finally {
      gate.release(1_000_000);
      hub.close();
      pool.shutdownNow();
    }
  }

  private static void start(WatchHub hub, Logical l, long from, Semaphore gate) {
    Recorder r =
        l.slow
            ? new Recorder() {
              @Override
              void beforeExit(WatchResponse response) {
                if (response.kind() == WatchResponse.Kind.EVENTS) {
                  gate.acquireUninterruptibly();
                  gate.release();
                }
              }
            }
            : new Recorder();
    WatchOption o =
        WatchOption.builder()
            .withRevision(from)
            .withNoPut(l.base.isNoPut())
            .withNoDelete(l.base.isNoDelete())
            .withPrevKV(l.base.isPrevKv())
            .withProgressNotify(l.base.isProgressNotify())
            .isPrefix(l.base.isPrefix())
            .withFromKey(l.base.isFromKey())
            .build();
    if (l.base.endKey().isPresent()) {
      o =
          WatchOption.builder()
              .withRevision(from)
              .withNoPut(l.base.isNoPut())
              .withNoDelete(l.base.isNoDelete())
              .withPrevKV(l.base.isPrevKv())
              .withProgressNotify(l.base.isProgressNotify())
              .withRange(l.base.endKey().get())
              .build();
    }
    l.segments.add(r);
    l.starts.add(from);
    l.current = hub.watch(l.key, o, r);
  }

  /**
   * A segment's first revision: its start, or after the CREATED header when it watched from now.
   */
  private static long effectiveStart(Logical l, int segment) {
    long start = l.starts.get(segment);
    if (start != 0) {
      return start;
    }
    Recorder r = l.segments.get(segment);
    await().until(() -> !r.responses().isEmpty());
    return r.responses().get(0).header().revision() + 1;
  }

  private static void verify(String context, WatchModel model, Logical l) {
    List<WatchEvent> chained = new ArrayList<>();
    int n = l.segments.size();
    for (int i = 0; i < n; i++) {
      Recorder r = l.segments.get(i);
      r.assertSane();
      long from = effectiveStart(l, i);
      String c = context + ", watch on " + l.range + " segment " + i + " from " + from;
      List<Event> expected = model.expected(l.range, from, l.base.isNoPut(), l.base.isNoDelete());
      boolean last = i == n - 1;
      Throwable error = r.error();
      if (error != null && !(error instanceof CompactedException)) {
        throw new AssertionError(c + ": unexpected error", error);
      }
      WatchModel.check(c, r.responses(), expected, l.base.isPrevKv(), last, error);
      if (!last) {
        assertTrue(r.completed() || error != null, c + ": closed segment not completed");
      }
      chained.addAll(r.events());
    }
    // resumable: the segments chained are exactly the history from the first start
    List<Event> all =
        model.expected(l.range, effectiveStart(l, 0), l.base.isNoPut(), l.base.isNoDelete());
    String c = context + ", watch on " + l.range + " chained over " + n + " segments";
    assertTrue(chained.size() <= all.size(), c);
    for (int i = 0; i < chained.size(); i++) {
      assertEquals(EventMapper.toPublic(all.get(i).kv()), chained.get(i).kv(), c + ": event " + i);
    }
    if (l.last().error() == null) {
      assertEquals(all.size(), chained.size(), c + ": events missing");
    }
  }

  private static String key(SplittableRandom rnd) {
    return rnd.nextInt(5) == 0 ? "j" + rnd.nextInt(5) : "k" + rnd.nextInt(20);
  }

  private static ByteSequence watchKey(SplittableRandom rnd) {
    return ByteSequence.from(key(rnd));
  }

  private static WatchOption option(SplittableRandom rnd, MvccStore store) {
    WatchOption.Builder o = WatchOption.builder();
    switch (rnd.nextInt(5)) {
      case 0 -> o.isPrefix(true);
      case 1 -> o.withRange(ByteSequence.from("k" + (5 + rnd.nextInt(15))));
      case 2 -> o.withFromKey(true);
      default -> {}
    }
    int filter = rnd.nextInt(6);
    o.withNoPut(filter == 0).withNoDelete(filter == 1);
    o.withPrevKV(rnd.nextBoolean()).withProgressNotify(rnd.nextBoolean());
    long current = store.revision();
    long compacted = store.view().compactedRevision();
    long start =
        switch (rnd.nextInt(4)) {
          case 0 -> 0;
          case 1 -> current + 1 + rnd.nextInt(3);
          default ->
              Math.max(1, compacted - 1) + rnd.nextLong(current - Math.max(1, compacted - 1) + 2);
        };
    return o.withRevision(start).build();
  }
}
