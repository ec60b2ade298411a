package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.InvalidArgumentException;
import io.etch.LeaseExistsException;
import io.etch.LeaseNotFoundException;
import io.etch.kv.KeyValue;
import io.etch.lease.LeaseGrantResponse;
import io.etch.lease.LeaseKeepAlive;
import io.etch.lease.LeaseKeepAliveListener;
import io.etch.lease.LeaseKeepAliveResponse;
import io.etch.lease.LeaseTimeToLiveResponse;
import io.etch.op.Op;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases end to end on three members over real Netty and WALs. */
class LeaseTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 3).start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  static PutOption lease(long id) {
    return PutOption.builder().withLeaseId(id).build();
  }

  static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  /** Records a keep-alive's callbacks. */
  static final class Recorder implements LeaseKeepAliveListener {
    final List<LeaseKeepAliveResponse> renewals = new CopyOnWriteArrayList<>();
    final List<Object> terminal = new CopyOnWriteArrayList<>();

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      renewals.add(response);
    }

    @Override
    public void onLost(LostReason reason) {
      terminal.add(reason);
    }

    @Override
    public void onError(Throwable error) {
      terminal.add(error);
    }
  }

  /** The DELETE events seen, with the revision of each. */
  private static List<WatchEvent> deletes(List<WatchResponse> seen) {
    List<WatchEvent> out = new ArrayList<>();
    for (WatchResponse r : seen) {
      for (WatchEvent e : r.events()) {
        if (e.type() == WatchEvent.EventType.DELETE) {
          out.add(e);
        }
      }
    }
    return out;
  }

  @Test
  void grantOnAFollowerAttachKeysAndRevokeDeletesThemAllInOneRevision() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode f1 = TestCluster.followers(leader, cluster.nodes).get(0);
    EtcdNode f2 = TestCluster.followers(leader, cluster.nodes).get(1);
    LeaseGrantResponse grant = f1.lease().grant(60).join();
    assertTrue(grant.leaseId() > 0);
    assertEquals(60, grant.ttlSeconds());
    List<WatchResponse> seen = new CopyOnWriteArrayList<>();
    f2.watch()
        .watch(bs("r/"), WatchOption.builder().isPrefix(true).build(), Watch.listener(seen::add));
    leader.kv().put(bs("r/a"), bs("1"), lease(grant.leaseId())).join();
    f1.kv().put(bs("r/b"), bs("2"), lease(grant.leaseId())).join();
    f2.kv().txn().Then(Op.put(bs("r/c"), bs("3"), lease(grant.leaseId()))).commit().join();
    f2.kv().put(bs("r/free"), bs("x")).join();
    KeyValue a = f2.kv().get(bs("r/a")).join().kvs().get(0);
    assertEquals(grant.leaseId(), a.lease());

    LeaseTimeToLiveResponse ttl = f2.lease().timeToLive(grant.leaseId(), true).join();
    assertEquals(60, ttl.grantedTtlSeconds());
    assertTrue(ttl.ttlSeconds() > 0 && ttl.ttlSeconds() <= 60, "remaining " + ttl.ttlSeconds());
    assertEquals(List.of(bs("r/a"), bs("r/b"), bs("r/c")), ttl.keys());
    assertTrue(f1.lease().leases().join().leaseIds().contains(grant.leaseId()));

    long revokeRevision = f2.lease().revoke(grant.leaseId()).join().header().revision();
    await().atMost(WAIT).until(() -> deletes(seen).size() == 3);
    List<WatchEvent> deleted = deletes(seen);
    assertEquals(
        Set.of(bs("r/a"), bs("r/b"), bs("r/c")),
        deleted.stream().map(e -> e.kv().key()).collect(Collectors.toSet()));
    for (WatchEvent e : deleted) {
      assertEquals(revokeRevision, e.kv().modRevision(), "all deleted at one revision");
    }
    assertEquals(
        1, leader.kv().get(bs("r/"), GetOption.builder().isPrefix(true).build()).join().count());
    assertEquals(-1, f1.lease().timeToLive(grant.leaseId(), false).join().ttlSeconds());
    assertInstanceOf(LeaseNotFoundException.class, failure(f1.lease().revoke(grant.leaseId())));
  }

  @Test
  void expiryDeletesTheAttachedKeysInOneRevisionOnEveryMember() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    long id = follower.lease().grant(1).join().leaseId();
    List<WatchResponse> seen = new CopyOnWriteArrayList<>();
    follower
        .watch()
        .watch(bs("e/"), WatchOption.builder().isPrefix(true).build(), Watch.listener(seen::add));
    for (String k : List.of("e/1", "e/2", "e/3")) {
      follower.kv().put(bs(k), bs("v"), lease(id)).join();
    }
    await().atMost(WAIT).until(() -> deletes(seen).size() == 3);
    List<WatchEvent> deleted = deletes(seen);
    long revision = deleted.get(0).kv().modRevision();
    assertTrue(deleted.stream().allMatch(e -> e.kv().modRevision() == revision));
    for (EtcdNode n : cluster.nodes) {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  n.kv()
                          .get(
                              bs("e/"),
                              GetOption.builder().isPrefix(true).withSerializable(true).build())
                          .join()
                          .count()
                      == 0);
      await().atMost(WAIT).until(() -> !n.lease().leases().join().leaseIds().contains(id));
    }
  }

  @Test
  void keepAliveFromAFollowerHoldsTheLeaseAndClosingItLetsItExpire() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    long id = follower.lease().grant(2).join().leaseId();
    follower.kv().put(bs("k/1"), bs("v"), lease(id)).join();
    Recorder r = new Recorder();
    LeaseKeepAlive ka = follower.lease().keepAlive(id, r);
    assertEquals(id, ka.leaseId());
    // about 3 renewals per TTL: 7 renewals span over two TTLs
    await().atMost(WAIT).until(() -> r.renewals.size() >= 7);
    assertEquals(List.of(), r.terminal);
    assertEquals(1, leader.kv().get(bs("k/1")).join().count());
    assertTrue(r.renewals.stream().allMatch(x -> x.leaseId() == id && x.ttlSeconds() == 2));
    ka.close();
    await().atMost(WAIT).until(() -> leader.kv().get(bs("k/1")).join().count() == 0);
    assertEquals(List.of(), r.terminal, "a closed keep-alive hears nothing more");
  }

  @Test
  void keepAliveOnceAndTimeToLiveWorkOnEveryMember() {
    cluster.awaitLeader(cluster.nodes);
    long id = cluster.nodes.get(0).lease().grant(30).join().leaseId();
    for (EtcdNode n : cluster.nodes) {
      assertEquals(30, n.lease().keepAliveOnce(id).join().ttlSeconds());
      LeaseTimeToLiveResponse t = n.lease().timeToLive(id, false).join();
      assertEquals(30, t.grantedTtlSeconds());
      assertTrue(t.exists());
    }
  }

  @Test
  void unknownLeasesAreTypedErrors() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    long unknown = 0x7777;
    for (EtcdNode n : List.of(leader, follower)) {
      LeaseNotFoundException put =
          assertInstanceOf(
              LeaseNotFoundException.class, failure(n.kv().put(bs("u"), bs("v"), lease(unknown))));
      assertEquals(unknown, put.leaseId());
      assertInstanceOf(
          LeaseNotFoundException.class,
          failure(n.kv().txn().Then(Op.put(bs("u"), bs("v"), lease(unknown))).commit()));
      assertInstanceOf(LeaseNotFoundException.class, failure(n.lease().keepAliveOnce(unknown)));
      assertEquals(-1, n.lease().timeToLive(unknown, true).join().ttlSeconds());
      Recorder r = new Recorder();
      n.lease().keepAlive(unknown, r);
      await().atMost(WAIT).until(() -> !r.terminal.isEmpty());
      assertEquals(List.of(LeaseKeepAliveListener.LostReason.NOT_FOUND), r.terminal);
    }
    assertEquals(0, leader.kv().get(bs("u")).join().count(), "nothing half-applied");
    // a txn whose failing branch names an unknown lease runs its other branch fine
    assertTrue(
        leader
            .kv()
            .txn()
            .Then(Op.put(bs("u2"), bs("v"), PutOption.DEFAULT))
            .Else(Op.put(bs("u2"), bs("v"), lease(unknown)))
            .commit()
            .join()
            .succeeded());
  }

  @Test
  void grantsWithARequestedIdAndBadArguments() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    assertEquals(0x1234, follower.lease().grant(10, 0x1234).join().leaseId());
    LeaseExistsException exists =
        assertInstanceOf(LeaseExistsException.class, failure(leader.lease().grant(10, 0x1234)));
    assertEquals(0x1234, exists.leaseId());
    // a small TTL is raised to the minimum (1.5 x election timeout, whole seconds)
    assertEquals(leader.config().minLeaseTtlSeconds(), leader.lease().grant(1).join().ttlSeconds());
    assertInstanceOf(InvalidArgumentException.class, failure(leader.lease().grant(0)));
    assertInstanceOf(InvalidArgumentException.class, failure(leader.lease().grant(5, -3)));
    long a = follower.lease().grant(10).join().leaseId();
    long b = leader.lease().grant(10).join().leaseId();
    assertNotEquals(a, b);
  }

  @Test
  void overwritingOrDeletingAKeyDetachesItFromItsLease() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    long l1 = leader.lease().grant(60).join().leaseId();
    long l2 = leader.lease().grant(60).join().leaseId();
    leader.kv().put(bs("d/1"), bs("a"), lease(l1)).join();
    leader.kv().put(bs("d/2"), bs("a"), lease(l1)).join();
    leader.kv().put(bs("d/3"), bs("a"), lease(l1)).join();
    leader.kv().put(bs("d/1"), bs("b"), lease(l2)).join(); // moves to l2
    leader.kv().put(bs("d/2"), bs("b")).join(); // no lease: detached
    leader.kv().put(bs("d/3"), bs("c"), PutOption.builder().withIgnoreLease().build()).join();
    leader.kv().delete(bs("d/3")).join();
    leader.kv().put(bs("d/3"), bs("d")).join(); // recreated without a lease
    assertEquals(List.of(bs("d/1")), leader.lease().timeToLive(l2, true).join().keys());
    assertEquals(List.of(), leader.lease().timeToLive(l1, true).join().keys());
    leader.lease().revoke(l1).join();
    assertEquals(
        3, leader.kv().get(bs("d/"), GetOption.builder().isPrefix(true).build()).join().count());
    leader.lease().revoke(l2).join();
    assertEquals(
        2, leader.kv().get(bs("d/"), GetOption.builder().isPrefix(true).build()).join().count());
  }

  @Test
  void keepAliveFromAFollowerHoldsTheLeaseThroughALeaderFailover() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    long id = follower.lease().grant(3).join().leaseId();
    follower.kv().put(bs("fo/1"), bs("v"), lease(id)).join();
    Recorder r = new Recorder();
    follower.lease().keepAlive(id, r);
    await().atMost(WAIT).until(() -> r.renewals.size() >= 2);
    leader.close();
    List<EtcdNode> running = new ArrayList<>(cluster.nodes);
    running.remove(leader);
    EtcdNode next = cluster.awaitLeader(running);
    int before = r.renewals.size();
    // two more TTLs of renewals through the new leader
    await().atMost(WAIT).until(() -> r.renewals.size() >= before + 6);
    assertEquals(List.of(), r.terminal);
    assertEquals(1, next.kv().get(bs("fo/1")).join().count());
    assertEquals(1, follower.kv().get(bs("fo/1")).join().count());
    assertTrue(next.lease().timeToLive(id, false).join().ttlSeconds() >= 0);
  }

  @Test
  void aKeepAliveThatReachesNoLeaderForLongerThanTheTtlIsLostAndNodeCloseEndsOthers() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    EtcdNode other = TestCluster.followers(leader, cluster.nodes).get(1);
    long shortLease = follower.lease().grant(1).join().leaseId();
    long longLease = follower.lease().grant(600).join().leaseId();
    Recorder unreachable = new Recorder();
    follower.lease().keepAlive(shortLease, unreachable);
    await().atMost(WAIT).until(() -> !unreachable.renewals.isEmpty());
    leader.close();
    other.close();
    await().atMost(WAIT).until(() -> !unreachable.terminal.isEmpty());
    assertEquals(List.of(LeaseKeepAliveListener.LostReason.UNREACHABLE), unreachable.terminal);

    Recorder closing = new Recorder();
    follower.lease().keepAlive(longLease, closing);
    follower.close();
    await().atMost(WAIT).until(() -> !closing.terminal.isEmpty());
    assertEquals(1, closing.terminal.size());
    assertInstanceOf(io.etch.NodeClosedException.class, closing.terminal.get(0));
  }
}
