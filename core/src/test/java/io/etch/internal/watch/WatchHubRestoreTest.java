package io.etch.internal.watch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.TooManyWatchersException;
import io.etch.storage.mvcc.DeleteRangeRequest;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RequestOp;
import io.etch.storage.mvcc.TxnRequest;
import io.etch.storage.mvcc.WriteResult;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follower's store replaced by the leader's snapshot ({@link WatchHub#restore}): watches keep
 * going from the restored store, or end with {@link CompactedException} when the leader compacted
 * history they still needed; and the limit on open watches.
 */
class WatchHubRestoreTest {
  private final MvccStore leader = MvccStore.create(MvccConfig.defaults());
  private final AtomicReference<MvccStore> local =
      new AtomicReference<>(MvccStore.create(MvccConfig.defaults()));
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<Event> history = new ArrayList<>();
  private final Semaphore gate = new Semaphore(0);
  private WatchHub hub;
  private int writes;

  @AfterEach
  void tearDown() {
    gate.release(1_000_000);
    if (hub != null) {
      hub.close();
    }
    pool.shutdownNow();
  }

  private WatchHub hub(int maxWatchers) {
    hub =
        WatchHub.builder()
            .memberName("restore")
            .views(() -> local.get().view())
            .callbackExecutor(pool)
            .maxPendingEventsPerWatcher(4)
            .catchUpPageEvents(3)
            .maxWatchers(maxWatchers)
            .build();
    return hub;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The n-th write of the workload: puts, deletes and two-key transactions over k0..k9. */
  private Function<MvccStore, WriteResult<?>> write() {
    int n = writes++;
    String k = "k" + (n * 7 % 10);
    return switch (n % 4) {
      case 0, 1 -> s -> s.put(PutRequest.of(b(k), b("v" + n)));
      case 2 -> s -> s.deleteRange(DeleteRangeRequest.key(b(k)));
      default ->
          s -> {
            List<RequestOp> ops =
                List.of(
                    PutRequest.of(b(k), b("t" + n)),
                    PutRequest.of(b(k.equals("k3") ? "k4" : "k3"), b("u" + n)));
            return s.txn(new TxnRequest(List.of(), ops, List.of()));
          };
    };
  }

  /** A write committed and applied on this member (the leader has it too). */
  private void both(int count) {
    for (int i = 0; i < count; i++) {
      Function<MvccStore, WriteResult<?>> w = write();
      WriteResult<?> r = w.apply(leader);
      WriteResult<?> mine = w.apply(local.get());
      assertEquals(r.events(), mine.events());
      if (!r.events().isEmpty()) {
        history.addAll(r.events());
        hub.onApplied(r.events().get(0).revision().main(), r.events());
      }
    }
  }

  /** Writes this member misses (it lags; the leader compacts its log past them). */
  private void leaderOnly(int count) {
    for (int i = 0; i < count; i++) {
      history.addAll(write().apply(leader).events());
    }
  }

  /** What the applier does when it installs the leader's snapshot. */
  private void installLeaderSnapshot() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    leader.view().writeSnapshot(out, 1, new byte[0]);
    MvccStore restored =
        MvccStore.restore(new ByteArrayInputStream(out.toByteArray()), MvccConfig.defaults())
            .store();
    local.set(restored);
    hub.restore(restored.view());
  }

  private List<Event> expected(String prefix, long from) {
    WatchModel m = new WatchModel(leader, hub);
    m.history.addAll(history);
    return m.expected(
        WatchOption.builder().isPrefix(true).build().range(ByteSequence.from(prefix)),
        from,
        false,
        false);
  }

  private List<Event> expectedKey(String key, long from) {
    WatchModel m = new WatchModel(leader, hub);
    m.history.addAll(history);
    return m.expected(WatchOption.DEFAULT.range(ByteSequence.from(key)), from, false, false);
  }

  private Recorder watch(String key, WatchOption option) {
    Recorder r = new Recorder();
    hub.watch(ByteSequence.from(key), option, r);
    return r;
  }

  private static WatchOption prefixFrom(long revision) {
    return WatchOption.builder().isPrefix(true).withRevision(revision).build();
  }

  private void awaitBookmark(Recorder r, long revision, Watcher w) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (r.ended() || r.lastProgress() >= revision) {
                return true;
              }
              w.requestProgress();
              return false;
            });
  }

  @Test
  void watchesSurviveASnapshotInstallAndCatchUpFromTheRestoredStore() throws IOException {
    hub(100);
    both(20);
    long createdAt = local.get().revision();
    Recorder fromNow = new Recorder();
    Watcher wNow =
        hub.watch(ByteSequence.from("k"), WatchOption.builder().isPrefix(true).build(), fromNow);
    Recorder key = new Recorder();
    Watcher wKey =
        hub.watch(ByteSequence.from("k3"), WatchOption.builder().withPrevKV(true).build(), key);
    Recorder old = new Recorder();
    Watcher wOld = hub.watch(ByteSequence.from("k"), prefixFrom(2), old);
    Recorder future = new Recorder();
    long futureStart = createdAt + 37; // beyond the 35 writes before the install
    Watcher wFuture = hub.watch(ByteSequence.from("k"), prefixFrom(futureStart), future);
    // holds its executor thread on every event response: behind (unsynced) at the install
    Recorder slow =
        new Recorder() {
          @Override
          void beforeExit(WatchResponse response) {
            if (response.kind() == WatchResponse.Kind.EVENTS) {
              gate.acquireUninterruptibly();
              gate.release();
            }
          }
        };
    Watcher wSlow = hub.watch(ByteSequence.from("k"), prefixFrom(1), slow);
    await().until(() -> hub.stats().synced() >= 3);
    both(5);
    leaderOnly(30);
    assertTrue(hub.stats().unsynced() >= 1, "the slow watcher is behind at the install");
    installLeaderSnapshot();
    assertEquals(leader.revision(), hub.stats().lastNotifiedRevision());
    assertTrue(futureStart > leader.revision() + 1, "the future start is beyond the snapshot");
    // every watcher but the blocked one hands over at the snapshot's revision before more writes
    await().until(() -> hub.stats().synced() == 4);
    both(20);
    gate.release(1_000_000);
    long last = leader.revision();
    for (var pair :
        List.of(
            new Object[] {fromNow, wNow},
            new Object[] {key, wKey},
            new Object[] {old, wOld},
            new Object[] {future, wFuture},
            new Object[] {slow, wSlow})) {
      awaitBookmark((Recorder) pair[0], last, (Watcher) pair[1]);
    }
    WatchModel.check(
        "from now",
        fromNow.responses(),
        expected("k", createdAt + 1),
        false,
        true,
        fromNow.error());
    WatchModel.check(
        "k3 prevKv", key.responses(), expectedKey("k3", createdAt + 1), true, true, key.error());
    WatchModel.check("from 2", old.responses(), expected("k", 2), false, true, old.error());
    WatchModel.check(
        "future", future.responses(), expected("k", futureStart), false, true, future.error());
    WatchModel.check("slow", slow.responses(), expected("k", 1), false, true, slow.error());
    for (Recorder r : List.of(fromNow, key, old, future, slow)) {
      r.assertSane();
      assertFalse(r.ended());
    }
    assertEquals(5, hub.stats().synced());
  }

  @Test
  void aSnapshotThatCompactedNeededHistoryEndsTheWatchWithCompactedException() throws IOException {
    hub(100);
    both(10);
    long mine = local.get().revision();
    long compactAt = mine + 20;
    long futureStart = mine + 24;
    Recorder fromNow = watch("k", WatchOption.builder().isPrefix(true).build());
    Recorder key = watch("k1", WatchOption.DEFAULT);
    Recorder future = watch("k", prefixFrom(futureStart));
    await().until(() -> hub.stats().synced() == 3);
    leaderOnly(30);
    assertTrue(leader.revision() > futureStart);
    leader.compact(compactAt);
    while (leader.compactStep(100)) {
      // finish the physical pass
    }
    installLeaderSnapshot();
    both(5);
    await()
        .until(
            () ->
                fromNow.ended()
                    && key.ended()
                    && future.events().size() >= expected("k", futureStart).size());
    for (Recorder r : List.of(fromNow, key)) {
      CompactedException e = assertInstanceOf(CompactedException.class, r.error());
      assertEquals(compactAt, e.compactedRevision());
      assertEquals(mine + 1, e.requestedRevision());
      assertEquals(
          List.of(WatchResponse.Kind.CREATED),
          r.responses().stream().map(WatchResponse::kind).toList());
    }
    // a start above the compaction point goes on seamlessly
    WatchModel.check("future", future.responses(), expected("k", futureStart), false, false, null);
    assertFalse(future.ended());
    // and resuming from the compacted revision gets the rest
    Recorder resumed = watch("k", prefixFrom(compactAt));
    await().until(() -> resumed.events().size() == expected("k", compactAt).size());
    WatchModel.check("resumed", resumed.responses(), expected("k", compactAt), false, true, null);
  }

  @Test
  void aRestoreMayNotGoBackInHistory() {
    hub(100);
    both(5);
    MvccStore behind = MvccStore.create(MvccConfig.defaults());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> hub.restore(behind.view()));
    assertTrue(e.getMessage().contains("behind the last notified revision"), e.getMessage());
  }

  @Test
  void aWatchBeyondTheLimitEndsWithTooManyWatchersUntilOneCloses() {
    hub(3);
    List<Watcher> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(hub.watch(ByteSequence.from("k" + i), WatchOption.DEFAULT, new Recorder()));
    }
    Recorder refused = watch("k9", WatchOption.DEFAULT);
    await().until(refused::ended);
    TooManyWatchersException e = assertInstanceOf(TooManyWatchersException.class, refused.error());
    assertEquals(3, e.limit());
    assertEquals("restore", e.memberName());
    assertTrue(refused.responses().isEmpty(), "a refused watch gets no CREATED");
    assertEquals(3, hub.stats().watchers());
    open.get(0).close();
    Recorder admitted = watch("k9", WatchOption.DEFAULT);
    both(10);
    await()
        .until(
            () ->
                admitted.events().size() == expectedKey("k9", 1).size()
                    && !admitted.responses().isEmpty());
    assertFalse(admitted.ended());
    assertEquals(3, hub.stats().watchers());
  }
}
