package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.EtcdNode;
import io.etch.NodeClosedException;
import io.etch.TooManyWatchersException;
import io.etch.internal.watch.Recorder;
import io.etch.internal.watch.WatchModel;
import io.etch.options.CompactOption;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.WriteResult;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches through a real node (Netty, WALs): a follower that installs the leader's snapshot keeps
 * its watches (or ends them with {@link CompactedException} when the leader compacted history they
 * needed), closing a member tells every listener, listeners run on the user executor, and the
 * per-member limit on open watches.
 */
class WatchThroughTheNodeTest {
  private static final String USER_THREAD = "user-cb-";

  @TempDir Path dir;
  private TestCluster cluster;
  private final ExecutorService user = userPool();
  private final MvccStore replica = MvccStore.create(MvccConfig.defaults());
  private final List<Event> history = new ArrayList<>();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    user.shutdownNow();
  }

  static ExecutorService userPool() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        3,
        r -> {
          Thread t = new Thread(r, USER_THREAD + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A put through {@code via}, mirrored on the local replica that gives the expected history. */
  private void put(EtcdNode via, String key, String value) {
    long revision = via.kv().put(bs(key), bs(value)).join().header().revision();
    WriteResult<?> r = replica.put(PutRequest.of(b(key), b(value)));
    assertEquals(revision, replica.revision(), "the replica follows the cluster's revisions");
    history.addAll(r.events());
  }

  private List<Event> expected(String key, WatchOption option, long from) {
    return WatchModel.expected(
        history, option.range(bs(key)), from, option.isNoPut(), option.isNoDelete());
  }

  private static long createdAt(Recorder r) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !r.responses().isEmpty());
    WatchResponse first = r.responses().get(0);
    assertEquals(WatchResponse.Kind.CREATED, first.kind());
    return first.header().revision();
  }

  private static void awaitBookmark(Recorder r, Watcher w, long revision) {
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

  private static void awaitApplied(EtcdNode n, long revision) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> TestCluster.status(n).revision() >= revision);
  }

  @Test
  void watchesOnAFollowerThatInstallsTheLeadersSnapshotKeepGoing() {
    snapshotInstall(false);
  }

  @Test
  void watchesThatNeedHistoryTheSnapshotCompactedAwayEndWithCompactedException() {
    snapshotInstall(true);
  }

  /**
   * A follower misses more entries than the leader keeps in its log, then comes back while the
   * other members are down: watches registered on it then are certainly registered before the
   * leader's snapshot arrives (there is no leader yet). The others restart, elect a leader, the
   * follower installs its snapshot, and its watches continue from the restored store.
   */
  private void snapshotInstall(boolean compact) {
    cluster = new TestCluster(dir, 3, b -> b.snapshotCount(20).callbackExecutor(user)).start();
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> followers = cluster.nodes.stream().filter(n -> n != leader).toList();
    EtcdNode lagging = followers.get(0);
    for (int i = 0; i < 10; i++) {
      put(leader, "s/" + (i % 4), "a" + i);
    }
    long laggingRevision = replica.revision();
    awaitApplied(lagging, laggingRevision);
    String laggingName = lagging.config().memberName();
    lagging.close();
    for (int i = 0; i < 120; i++) {
      put(leader, "s/" + (i % 7), "b" + i);
    }
    long compactAt = replica.revision() - 30;
    if (compact) {
      leader
          .kv()
          .compact(compactAt, CompactOption.builder().withCompactPhysical(true).build())
          .join();
    }
    // more than snapshotCount entries after the compaction: the leader's latest snapshot holds it
    for (int i = 0; i < 25; i++) {
      put(leader, "s/" + (i % 7), "d" + i);
    }
    awaitApplied(followers.get(1), replica.revision());
    leader.close();
    followers.get(1).close();

    EtcdNode back = cluster.restart(laggingName);
    CompletableFuture<EtcdNode> backStarted = back.start();
    WatchOption prefix = WatchOption.builder().isPrefix(true).build();
    WatchOption keyPrev = WatchOption.builder().withPrevKV(true).build();
    long futureStart = replica.revision() - 10;
    WatchOption ahead = WatchOption.builder().isPrefix(true).withRevision(futureStart).build();
    Recorder all = new CallbackThreadRecorder(USER_THREAD);
    Recorder one = new CallbackThreadRecorder(USER_THREAD);
    Recorder future = new CallbackThreadRecorder(USER_THREAD);
    Watcher wAll = back.watch().watch(bs("s/"), prefix, all);
    Watcher wOne = back.watch().watch(bs("s/3"), keyPrev, one);
    Watcher wFuture = back.watch().watch(bs("s/"), ahead, future);
    long createdAll = createdAt(all);
    long createdOne = createdAt(one);
    assertTrue(
        createdAll <= laggingRevision, "registered before the install, at revision " + createdAll);
    assertTrue(futureStart > createdAll, "a start beyond the member's revision");

    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>(List.of(backStarted));
    for (EtcdNode n : List.of(leader, followers.get(1))) {
      starts.add(cluster.restart(n.config().memberName()).start());
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    EtcdNode newLeader = cluster.awaitLeader(cluster.restarted);
    for (int i = 0; i < 5; i++) {
      put(newLeader, "s/" + i, "c" + i);
    }
    long last = replica.revision();
    awaitApplied(back, last);
    awaitBookmark(all, wAll, last);
    awaitBookmark(one, wOne, last);
    awaitBookmark(future, wFuture, last);

    WatchModel.check(
        "ahead", future.responses(), expected("s/", ahead, futureStart), false, true, null);
    assertFalse(future.ended());
    if (compact) {
      for (Recorder r : List.of(all, one)) {
        CompactedException e = assertInstanceOf(CompactedException.class, r.error());
        assertEquals(compactAt, e.compactedRevision());
        // its position: after what it had from the member's own log, before the install
        assertTrue(
            e.requestedRevision() > createdAll && e.requestedRevision() <= laggingRevision + 1,
            e.toString());
      }
      WatchModel.check(
          "prefix",
          all.responses(),
          expected("s/", prefix, createdAll + 1),
          false,
          false,
          all.error());
      WatchModel.check(
          "key",
          one.responses(),
          expected("s/3", keyPrev, createdOne + 1),
          true,
          false,
          one.error());
    } else {
      WatchModel.check(
          "prefix", all.responses(), expected("s/", prefix, createdAll + 1), false, true, null);
      WatchModel.check(
          "key", one.responses(), expected("s/3", keyPrev, createdOne + 1), true, true, null);
      assertFalse(all.ended() || one.ended());
    }
    for (Recorder r : List.of(all, one, future)) {
      r.assertSane();
    }
  }

  @Test
  void closingAMemberEndsEveryWatchWithNodeClosedExceptionOnTheUserExecutor() {
    cluster = new TestCluster(dir, 1, b -> b.callbackExecutor(user)).start();
    EtcdNode node = cluster.nodes.get(0);
    for (int i = 0; i < 40; i++) {
      put(node, "c/" + (i % 5), "v" + i);
    }
    WatchOption prefix = WatchOption.builder().isPrefix(true).build();
    WatchOption fromOne = WatchOption.builder().isPrefix(true).withRevision(1).build();
    Recorder synced = new CallbackThreadRecorder(USER_THREAD);
    Recorder replayed = new CallbackThreadRecorder(USER_THREAD);
    Semaphore gate = new Semaphore(0);
    // blocks in its first event delivery, so close finds it behind with responses queued
    Recorder stuck =
        new CallbackThreadRecorder(USER_THREAD) {
          @Override
          public void onNext(WatchResponse response) {
            super.onNext(response);
            if (response.kind() == WatchResponse.Kind.EVENTS) {
              gate.acquireUninterruptibly();
              gate.release();
            }
          }
        };
    node.watch().watch(bs("c/"), prefix, synced);
    node.watch().watch(bs("c/"), fromOne, replayed);
    node.watch().watch(bs("c/"), fromOne, stuck);
    long created = createdAt(synced);
    await().until(() -> replayed.events().size() == 40 && !stuck.events().isEmpty());
    for (int i = 0; i < 5; i++) {
      put(node, "c/" + i, "w" + i);
    }
    await().until(() -> synced.events().size() == 5);
    node.close();
    gate.release(1_000_000);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> synced.ended() && replayed.ended() && stuck.ended());
    for (Recorder r : List.of(synced, replayed, stuck)) {
      r.assertSane();
      NodeClosedException e = assertInstanceOf(NodeClosedException.class, r.error());
      assertEquals("m1", e.memberName());
    }
    // what each got before the end is in order, whole and gap-free
    WatchModel.check(
        "synced", synced.responses(), expected("c/", prefix, created + 1), false, true, null);
    WatchModel.check(
        "replayed", replayed.responses(), expected("c/", fromOne, 1), false, true, null);
    WatchModel.check("stuck", stuck.responses(), expected("c/", fromOne, 1), false, false, null);
  }

  @Test
  void theNodeOwnedExecutorRunsListenersAndTellsThemOfTheClose() {
    cluster = new TestCluster(dir, 1).start();
    EtcdNode node = cluster.nodes.get(0);
    Recorder r = new CallbackThreadRecorder("etch-callback-m1-");
    WatchOption prefix = WatchOption.builder().isPrefix(true).build();
    node.watch().watch(bs("o/"), prefix, r);
    long created = createdAt(r);
    for (int i = 0; i < 20; i++) {
      put(node, "o/" + (i % 3), "v" + i);
    }
    await().until(() -> r.events().size() == 20);
    node.close();
    // the node shuts its own executor down only after the end of every watch was delivered
    assertTrue(r.ended(), "told of the close before close() returned");
    assertInstanceOf(NodeClosedException.class, r.error());
    r.assertSane();
    WatchModel.check(
        "owned", r.responses(), expected("o/", prefix, created + 1), false, true, null);
  }

  @Test
  void aMemberRefusesWatchesBeyondMaxWatchersWithATypedError() {
    cluster = new TestCluster(dir, 1, b -> b.maxWatchers(2).callbackExecutor(user)).start();
    EtcdNode node = cluster.nodes.get(0);
    Watcher first = node.watch().watch(bs("a"), WatchOption.DEFAULT, new Recorder());
    node.watch().watch(bs("b"), WatchOption.DEFAULT, new Recorder());
    Recorder refused = new CallbackThreadRecorder(USER_THREAD);
    node.watch().watch(bs("c"), WatchOption.DEFAULT, refused);
    await().until(refused::ended);
    TooManyWatchersException e = assertInstanceOf(TooManyWatchersException.class, refused.error());
    assertEquals(2, e.limit());
    assertEquals("m1", e.memberName());
    assertTrue(refused.responses().isEmpty(), "no CREATED for a refused watch");
    refused.assertSane();
    assertEquals(2, node.maintenance().metrics().watchers());

    first.close();
    Recorder admitted = new CallbackThreadRecorder(USER_THREAD);
    node.watch().watch(bs("c"), WatchOption.DEFAULT, admitted);
    long created = createdAt(admitted);
    put(node, "c", "x");
    await().until(() -> admitted.events().size() == 1);
    WatchModel.check(
        "admitted",
        admitted.responses(),
        expected("c", WatchOption.DEFAULT, created + 1),
        false,
        true,
        null);
  }
}
