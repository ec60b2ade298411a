package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.LeaseNotFoundException;
import io.etch.LockHeldException;
import io.etch.NoElectionLeaderException;
import io.etch.NotElectionLeaderException;
import io.etch.SessionLostException;
import io.etch.kv.TxnResponse;
import io.etch.op.Op;
import io.etch.options.PutOption;
import io.etch.recipes.Election;
import io.etch.recipes.LeaderInfo;
import io.etch.recipes.Leadership;
import io.etch.recipes.Lock;
import io.etch.recipes.LockOwnership;
import io.etch.recipes.ServiceInstance;
import io.etch.recipes.ServiceRegistry;
import io.etch.recipes.Session;
import io.etch.recipes.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session, lock, election and service registry on a 3-member cluster, from every member. */
class RecipesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long TTL_SECONDS = 2;

  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 3).start();
    cluster.awaitLeader(cluster.nodes);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static Session session(EtcdNode node) {
    return Session.builder(node).ttlSeconds(TTL_SECONDS).open().join();
  }

  /** How many keys {@code node} reads under {@code prefix} (linearizable). */
  private static long keysUnder(EtcdNode node, String prefix) {
    return node.kv()
        .get(
            ByteSequence.from(prefix),
            io.etch.options.GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .join()
        .count();
  }

  /** A put of {@code value} at {@code key} that applies only while {@code lock} is held. */
  private static TxnResponse guardedPut(
      EtcdNode node, LockOwnership lock, ByteSequence key, String value) {
    return node.kv()
        .txn()
        .If(lock.isOwner())
        .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
        .commit()
        .join();
  }

  private static Throwable cause(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void sessionKeepsItsLeaseAliveAndCloseRevokesIt() {
    EtcdNode n = cluster.nodes.get(1);
    Session s = session(n);
    ByteSequence key = ByteSequence.from("owned-by-session");
    n.kv()
        .put(key, ByteSequence.from("v"), PutOption.builder().withLeaseId(s.leaseId()).build())
        .join();
    // alive well past its TTL thanks to the keep-alives
    long deadline = System.nanoTime() + Duration.ofSeconds(3 * TTL_SECONDS).toNanos();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() > deadline);
    assertFalse(s.isLost());
    assertEquals(1, n.kv().get(key).join().count());
    s.close();
    assertEquals(Session.LossReason.CLOSED, s.lost().join());
    assertEquals(0, n.kv().get(key).join().count());
  }

  @Test
  void revokingTheLeaseElsewhereLosesTheSession() {
    Session s = session(cluster.nodes.get(0));
    List<Session.LossReason> heard = new CopyOnWriteArrayList<>();
    s.onLost(heard::add);
    cluster.nodes.get(2).lease().revoke(s.leaseId()).join();
    await().atMost(WAIT).until(() -> heard.size() == 1);
    assertEquals(Session.LossReason.REVOKED, heard.get(0));
    assertInstanceOf(SessionLostException.class, cause(Lock.on(s).lock("after-loss")));
  }

  @Test
  void adoptingAMissingLeaseFails() {
    Throwable e = cause(Session.builder(cluster.nodes.get(0)).leaseId(0x7777).open());
    assertInstanceOf(LeaseNotFoundException.class, e);
  }

  @Test
  void lockIsHandedOverInQueueOrderWithGrowingFencingTokens() {
    List<Session> sessions = new ArrayList<>();
    List<CompletableFuture<LockOwnership>> waiting = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Session s = session(cluster.nodes.get(i % 3));
      sessions.add(s);
      waiting.add(Lock.on(s).lock("queue"));
      // the queue is the order of the lock keys' create revisions: make it the order of i
      int idx = i;
      await().atMost(WAIT).until(() -> keysUnder(cluster.nodes.get(0), "queue/") == idx + 1);
    }
    long lastToken = 0;
    for (int i = 0; i < 6; i++) {
      LockOwnership o = waiting.get(i).join();
      for (int j = i + 1; j < 6; j++) {
        assertFalse(
            waiting.get(j).isDone(), "contender " + j + " got the lock while " + i + " holds it");
      }
      assertTrue(o.fencingToken() > lastToken);
      lastToken = o.fencingToken();
      assertTrue(o.isHeld());
      o.unlock().join();
      assertEquals(Boolean.FALSE, o.lost().join());
    }
    sessions.forEach(Session::close);
  }

  @Test
  void tryLockFailsFastNamingTheHolderAndLeavesNoKeyBehind() {
    Session a = session(cluster.nodes.get(0));
    Session b = session(cluster.nodes.get(1));
    LockOwnership held = Lock.on(a).tryLock("t").join();
    LockHeldException e = assertInstanceOf(LockHeldException.class, cause(Lock.on(b).tryLock("t")));
    assertEquals(held.key(), e.holderKey());
    assertEquals(1, keysUnder(cluster.nodes.get(2), "t/"));
    held.unlock().join();
    LockOwnership next = Lock.on(b).tryLock("t").join();
    assertTrue(next.fencingToken() > held.fencingToken());
    next.close();
  }

  @Test
  void isOwnerGuardsWritesAfterTheLockIsLost() {
    Session a = session(cluster.nodes.get(0));
    LockOwnership o = Lock.on(a).lock("guard").join();
    ByteSequence data = ByteSequence.from("guarded-data");
    TxnResponse ok = guardedPut(cluster.nodes.get(0), o, data, "1");
    assertTrue(ok.succeeded());
    // somebody deletes the lock key: ownership is lost and guarded writes are refused
    cluster.nodes.get(1).kv().delete(o.key()).join();
    assertEquals(Boolean.TRUE, o.lost().join());
    TxnResponse refused = guardedPut(cluster.nodes.get(0), o, data, "2");
    assertFalse(refused.succeeded());
    a.close();
  }

  @Test
  void aWaiterWhoseSessionIsLostGivesUpAndCleansUp() {
    Session holder = session(cluster.nodes.get(0));
    Session waiter = session(cluster.nodes.get(1));
    LockOwnership held = Lock.on(holder).lock("w").join();
    CompletableFuture<LockOwnership> waiting = Lock.on(waiter).lock("w");
    waiter.close();
    assertInstanceOf(SessionLostException.class, cause(waiting));
    held.unlock().join();
    assertEquals(0, keysUnder(cluster.nodes.get(2), "w/"));
  }

  @Test
  void electionHasOneLeaderProclaimsAndHandsOverOnResign() {
    Election election = Election.on(cluster.nodes.get(2));
    assertInstanceOf(NoElectionLeaderException.class, cause(election.leader("e")));
    List<Optional<LeaderInfo>> observed = new CopyOnWriteArrayList<>();
    Subscription sub = election.observe("e", observed::add);
    await().atMost(WAIT).until(() -> observed.size() == 1);
    assertEquals(Optional.empty(), observed.get(0));

    Session s1 = session(cluster.nodes.get(0));
    Session s2 = session(cluster.nodes.get(1));
    Leadership first = Election.on(cluster.nodes.get(0)).campaign(s1, "e", "one").join();
    CompletableFuture<Leadership> second =
        Election.on(cluster.nodes.get(1)).campaign(s2, "e", "two");
    assertEquals(ByteSequence.from("one"), election.leader("e").join().value());
    first.proclaim("uno").join();
    await()
        .atMost(WAIT)
        .until(
            () ->
                observed
                    .get(observed.size() - 1)
                    .map(l -> l.value().equals(ByteSequence.from("uno")))
                    .orElse(false));
    assertFalse(second.isDone());
    first.resign().join();
    Leadership next = second.join();
    assertTrue(next.fencingToken() > first.fencingToken());
    assertInstanceOf(NotElectionLeaderException.class, cause(first.proclaim("stale")));
    await()
        .atMost(WAIT)
        .until(
            () ->
                observed
                    .get(observed.size() - 1)
                    .map(l -> l.value().equals(ByteSequence.from("two")))
                    .orElse(false));
    // observed leaders never go back in campaign order
    long lastRev = 0;
    for (Optional<LeaderInfo> l : observed) {
      if (l.isPresent()) {
        assertTrue(l.get().createRevision() >= lastRev);
        lastRev = l.get().createRevision();
      }
    }
    sub.close();
    next.close();
    s1.close();
    s2.close();
  }

  @Test
  void whenTheLeadersMemberDiesAnotherCandidateTakesOverAfterTheTtl() {
    EtcdNode raftLeader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> others = new ArrayList<>(cluster.nodes);
    others.remove(raftLeader);
    // the election's leader lives on a follower member, which then dies
    EtcdNode doomed = others.get(0);
    EtcdNode survivor = others.get(1);
    Leadership l1 = Election.on(doomed).campaign(session(doomed), "svc-leader", "a").join();
    CompletableFuture<Leadership> l2 =
        Election.on(survivor).campaign(session(survivor), "svc-leader", "b");
    List<Optional<LeaderInfo>> observed = new CopyOnWriteArrayList<>();
    Subscription sub = Election.on(raftLeader).observe("svc-leader", observed::add);
    long t0 = System.nanoTime();
    doomed.close();
    Leadership taken = l2.join();
    long failoverMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "election failover after the leader's member died: "
            + failoverMs
            + " ms (session TTL "
            + TTL_SECONDS
            + " s)");
    assertEquals(Boolean.TRUE, l1.lost().join());
    assertTrue(taken.fencingToken() > l1.fencingToken());
    await()
        .atMost(WAIT)
        .until(
            () ->
                observed
                    .get(observed.size() - 1)
                    .map(l -> l.value().equals(ByteSequence.from("b")))
                    .orElse(false));
    sub.close();
    taken.close();
  }

  @Test
  void registryDiscoversWatchesAndDropsInstancesWhoseMemberDied() {
    ServiceRegistry onLeader = ServiceRegistry.on(cluster.nodes.get(0));
    List<List<ServiceInstance>> views = new CopyOnWriteArrayList<>();
    Subscription sub = onLeader.watch("billing", views::add);
    await().atMost(WAIT).until(() -> views.size() == 1 && views.get(0).isEmpty());

    ServiceInstance a = new ServiceInstance("billing", "a", "10.0.0.1:80", Map.of("zone", "x"));
    ServiceInstance b = new ServiceInstance("billing", "b", "10.0.0.2:80");
    ServiceInstance c = new ServiceInstance("billing", "c", "10.0.0.3:80");
    EtcdNode nodeB = cluster.nodes.get(1);
    ServiceRegistry.Registration ra =
        ServiceRegistry.on(cluster.nodes.get(0)).register(session(cluster.nodes.get(0)), a).join();
    ServiceRegistry.on(nodeB).register(session(nodeB), b).join();
    ServiceRegistry.on(cluster.nodes.get(2)).register(session(cluster.nodes.get(2)), c).join();
    assertEquals(List.of(a, b, c), ServiceRegistry.on(nodeB).discover("billing").join());
    await().atMost(WAIT).until(() -> views.get(views.size() - 1).equals(List.of(a, b, c)));
    assertEquals(List.of(), onLeader.discover("other").join());

    ra.unregister().join();
    await().atMost(WAIT).until(() -> views.get(views.size() - 1).equals(List.of(b, c)));

    // b's member goes away without unregistering: b vanishes once its lease expires
    nodeB.close();
    await().atMost(WAIT).until(() -> views.get(views.size() - 1).equals(List.of(c)));
    assertEquals(List.of(c), onLeader.discover("billing").join());
    for (List<ServiceInstance> v : views) {
      assertNotEquals(null, v);
    }
    sub.close();
  }
}
