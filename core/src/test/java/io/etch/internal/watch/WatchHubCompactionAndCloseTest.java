package io.etch.internal.watch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.KeyRange;
import io.etch.NodeClosedException;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Compaction ends watches with the typed error; closing the hub tells every listener. */
class WatchHubCompactionAndCloseTest {
  private final MvccStore store = MvccStore.create(MvccConfig.defaults());
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<WatchHub> hubs = new ArrayList<>();

  @AfterEach
  void tearDown() {
    hubs.forEach(WatchHub::close);
    pool.shutdownNow();
  }

  private WatchHub hub(String name, int maxPending) {
    WatchHub h =
        WatchHub.builder()
            .memberName(name)
            .views(store::view)
            .callbackExecutor(pool)
            .progressNotifyInterval(Duration.ofMillis(5))
            .maxPendingEventsPerWatcher(maxPending)
            .catchUpPageEvents(2)
            .build();
    hubs.add(h);
    return h;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void putMany(WatchModel m, String key, int n) {
    for (int i = 0; i < n; i++) {
      m.applied(store.put(PutRequest.of(b(key), b("v" + i))));
    }
  }

  @Test
  void startBelowTheCompactedRevisionEndsWithCompactedException() {
    WatchHub hub = hub("compact-start", 16);
    WatchModel m = new WatchModel(store, hub);
    putMany(m, "k", 10);
    store.compact(6);
    Recorder below = new Recorder();
    Recorder at = new Recorder();
    hub.watch(ByteSequence.from("k"), WatchOption.builder().withRevision(5).build(), below);
    hub.watch(ByteSequence.from("k"), WatchOption.builder().withRevision(6).build(), at);
    await().until(() -> below.ended() && at.events().size() == 5);
    CompactedException e = (CompactedException) below.error();
    assertEquals(6, e.compactedRevision());
    assertEquals(5, e.requestedRevision());
    assertEquals(WatchResponse.Kind.CREATED, below.responses().get(0).kind());
    assertEquals(1, below.responses().size());
    // a start revision equal to the compacted one is served (etcd: minRev < compactRev fails)
    assertFalse(at.ended());
    WatchModel.check(
        "at",
        at.responses(),
        m.expected(KeyRange.single(ByteSequence.from("k")), 6, false, false),
        false,
        true,
        null);
    below.assertSane();
  }

  @Test
  void compactionOvertakingACatchingUpWatcherEndsItAfterWhatItGot() {
    WatchHub hub = hub("compact-overtake", 4);
    WatchModel m = new WatchModel(store, hub);
    Semaphore gate = new Semaphore(0);
    Recorder slow =
        new Recorder() {
          @Override
          void beforeExit(WatchResponse response) {
            if (response.kind() == WatchResponse.Kind.EVENTS) {
              gate.acquireUninterruptibly();
            }
          }
        };
    hub.watch(ByteSequence.from("s"), slow);
    putMany(m, "s", 40); // the listener holds the first event; the rest overflow the bound of 4
    await().until(() -> hub.stats().unsynced() == 1);
    store.compact(30);
    while (store.compactStep(100)) {}
    gate.release(1000);
    await().until(slow::ended);
    CompactedException e = (CompactedException) slow.error();
    assertEquals(30, e.compactedRevision());
    assertTrue(e.requestedRevision() < 30);
    assertEquals(e.requestedRevision() - 1, slow.lastEventRevision());
    WatchModel.check(
        "slow",
        slow.responses(),
        m.expected(KeyRange.single(ByteSequence.from("s")), 1, false, false),
        false,
        false,
        e);
    slow.assertSane();
    assertEquals(0, hub.stats().watchers());
  }

  @Test
  void closingTheHubEndsEveryWatchWithNodeClosedAndStopsItsThread() {
    WatchHub hub = hub("closing", 4);
    WatchModel m = new WatchModel(store, hub);
    putMany(m, "a", 20);
    List<Recorder> rs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Recorder r = new Recorder();
      rs.add(r);
      WatchOption o =
          WatchOption.builder().withRevision(i % 3 == 0 ? 1 : 0).withProgressNotify(true).build();
      hub.watch(ByteSequence.from(i % 2 == 0 ? "a" : "b"), o, r);
    }
    assertTrue(threadAlive("etch-watch-closing"));
    hub.close();
    hub.close();
    await().until(() -> rs.stream().allMatch(Recorder::ended));
    for (Recorder r : rs) {
      NodeClosedException e = (NodeClosedException) r.error();
      assertEquals("closing", e.memberName());
      r.assertSane();
    }
    assertFalse(threadAlive("etch-watch-closing"));
    // after close: no delivery, new watches end at once
    m.applied(store.put(PutRequest.of(b("a"), b("late"))));
    Recorder late = new Recorder();
    hub.watch(ByteSequence.from("a"), late);
    await().until(late::ended);
    assertTrue(late.error() instanceof NodeClosedException);
  }

  @Test
  void aRestartedMemberResumesFromTheLastRevisionSeen() {
    WatchHub first = hub("before-restart", 8);
    WatchModel m = new WatchModel(store, first);
    Recorder r1 = new Recorder();
    first.watch(ByteSequence.from("r"), WatchOption.builder().isPrefix(true).build(), r1);
    putMany(m, "r1", 10);
    await().until(() -> r1.events().size() == 10);
    first.close();
    await().until(r1::ended);
    putMany(new WatchModel(store, hub("unused", 8)), "r2", 5); // writes while no hub watches
    WatchHub second = hub("after-restart", 8);
    WatchModel m2 = new WatchModel(store, second);
    m2.history.addAll(m.history);
    Recorder r2 = new Recorder();
    second.watch(
        ByteSequence.from("r"),
        WatchOption.builder().isPrefix(true).withRevision(r1.lastEventRevision() + 1).build(),
        r2);
    putMany(m2, "r3", 3);
    await().until(() -> r2.events().size() == 8);
    List<io.etch.watch.WatchEvent> all = new ArrayList<>(r1.events());
    all.addAll(r2.events());
    assertEquals(18, all.size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).kv().modRevision());
    }
  }

  @Test
  void aHistoryReadTheStoreRefusesEndsOnlyThatWatch() {
    WatchHub hub = hub("refused", 8);
    WatchModel m = new WatchModel(store, hub);
    putMany(m, "ok", 3);
    Recorder huge = new Recorder();
    Recorder fine = new Recorder();
    byte[] tooLong = new byte[MvccConfig.DEFAULT_MAX_KEY_BYTES + 1];
    java.util.Arrays.fill(tooLong, (byte) 'x');
    hub.watch(ByteSequence.wrap(tooLong), WatchOption.builder().withRevision(1).build(), huge);
    hub.watch(ByteSequence.from("ok"), WatchOption.builder().withRevision(1).build(), fine);
    await().until(() -> huge.ended() && fine.events().size() == 3);
    assertTrue(huge.error() instanceof io.etch.storage.mvcc.KeyTooLargeException);
    assertEquals(1, hub.stats().watchers());
  }

  @Test
  void progressRequestedWhileCatchingUpArrivesAfterEverythingOnceSynced() {
    WatchHub hub = hub("deferred-progress", 4);
    WatchModel m = new WatchModel(store, hub);
    Semaphore gate = new Semaphore(0);
    Recorder slow =
        new Recorder() {
          @Override
          void beforeExit(WatchResponse response) {
            if (response.kind() == WatchResponse.Kind.EVENTS) {
              gate.acquireUninterruptibly();
            }
          }
        };
    io.etch.watch.Watcher w = hub.watch(ByteSequence.from("d"), slow);
    putMany(m, "d", 30);
    await().until(() -> hub.stats().unsynced() == 1);
    w.requestProgress(); // behind: remembered, not sent (etcd would drop it)
    assertEquals(0, slow.lastProgress());
    gate.release(1000);
    await().until(() -> slow.lastProgress() == 30);
    List<WatchResponse> rs = slow.responses();
    assertEquals(WatchResponse.Kind.PROGRESS, rs.get(rs.size() - 1).kind());
    WatchModel.check(
        "deferred",
        rs,
        m.expected(KeyRange.single(ByteSequence.from("d")), 1, false, false),
        false,
        true,
        null);
    assertEquals(0, hub.stats().unsynced());
  }

  @Test
  void aWatchWhoseExecutorRejectsDeliveryIsDropped() {
    WatchHub hub =
        WatchHub.builder()
            .memberName("rejecting")
            .views(store::view)
            .callbackExecutor(
                r -> {
                  throw new java.util.concurrent.RejectedExecutionException("full");
                })
            .build();
    hubs.add(hub);
    Recorder r = new Recorder();
    hub.watch(ByteSequence.from("x"), r);
    assertEquals(0, hub.stats().watchers());
    assertTrue(r.responses().isEmpty());
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
