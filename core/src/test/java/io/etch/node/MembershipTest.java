package io.etch.node;

import static io.etch.node.TestCluster.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.BadLeaderTransfereeException;
import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.LearnerNotReadyException;
import io.etch.MemberExistsException;
import io.etch.MemberIdRemovedException;
import io.etch.MemberNotFoundException;
import io.etch.MemberRemovedException;
import io.etch.NotLeaderException;
import io.etch.NotLearnerException;
import io.etch.PeerAddress;
import io.etch.TooManyLearnersException;
import io.etch.cluster.Member;
import io.etch.cluster.MemberAddResponse;
import io.etch.cluster.MemberIds;
import io.etch.cluster.MemberListResponse;
import io.etch.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership changes on real members (Netty on loopback, WALs in temp directories). */
class MembershipTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

  @TempDir Path dir;
  private TestCluster cluster;
  private Load load;

  @AfterEach
  void stop() {
    if (load != null) {
      load.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private TestCluster start(UnaryOperator<EtcdNode.Builder> customizer) {
    cluster = new TestCluster(dir, 3, customizer).start();
    return cluster;
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  /** Puts on one member from a test thread until stopped; counts acknowledged writes. */
  static final class Load {
    final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicLong acked = new AtomicLong();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final Thread thread;

    Load(EtcdNode target) {
      thread =
          new Thread(
              () -> {
                long i = 0;
                while (!stopped.get()) {
                  try {
                    get(target.kv().put(bs("load-" + (i % 200)), bs("v" + i)));
                    acked.incrementAndGet();
                  } catch (RuntimeException e) {
                    error.compareAndSet(null, e);
                    return;
                  }
                  i++;
                }
              },
              "membership-test-load");
      thread.start();
    }

    void stop() {
      stopped.set(true);
      try {
        thread.join(WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Promotes once the learner is ready (LearnerNotReady is etcd's transient refusal). */
  static MemberListResponse promoteWhenReady(EtcdNode via, long learnerId) {
    AtomicReference<MemberListResponse> out = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                out.set(get(via.cluster().promoteMember(learnerId)));
                return true;
              } catch (CompletionException e) {
                if (e.getCause() instanceof LearnerNotReadyException) {
                  return false;
                }
                throw e;
              }
            });
    return out.get();
  }

  private static void awaitSameRevision(EtcdNode a, EtcdNode b) {
    await()
        .atMost(WAIT)
        .until(() -> status(a).revision() == status(b).revision() && status(a).revision() > 1);
  }

  private static Map<String, Member> byName(List<Member> members) {
    Map<String, Member> m = new TreeMap<>();
    members.forEach(x -> m.put(x.name(), x));
    return m;
  }

  @Test
  void aLearnerJoinsUnderWriteLoadCatchesUpFromTheLogIsPromotedAndThenVotes() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    load = new Load(leader);
    await().atMost(WAIT).until(() -> load.acked.get() > 50);

    EtcdNode m4 = cluster.joiner("m4");
    CompletableFuture<EtcdNode> started = m4.start();
    assertFalse(started.isDone(), "a joiner nobody added does not serve");

    PeerAddress address = cluster.joined.get("m4");
    MemberAddResponse added = get(leader.cluster().addMember("m4", address, true));
    assertEquals(new Member(m4.memberId(), "m4", address, true), added.member());
    assertEquals(4, added.members().size());
    assertEquals(MemberIds.memberId("etcd-cluster", "m4"), m4.memberId());

    get(started);
    assertTrue(status(m4).learner());
    // the joiner learned the whole membership and the cluster id from what the leader sent
    MemberListResponse fromJoiner = get(m4.cluster().listMembers());
    assertEquals(byName(added.members()), byName(fromJoiner.members()));
    assertEquals(
        get(leader.cluster().listMembers()).header().clusterId(), fromJoiner.header().clusterId());

    MemberListResponse promoted = promoteWhenReady(leader, m4.memberId());
    assertFalse(byName(promoted.members()).get("m4").learner());
    await().atMost(WAIT).until(() -> !status(m4).learner());
    load.stop();
    assertEquals(null, load.error.get());

    awaitSameRevision(leader, m4);
    assertEquals(
        get(leader.maintenance().hashKv(0)).hash(), get(m4.maintenance().hashKv(0)).hash());

    // a voter now: it can lead, and the cluster commits with it
    get(leader.cluster().moveLeader(m4.memberId()));
    List<EtcdNode> running = new ArrayList<>(cluster.nodes);
    running.add(m4);
    assertEquals(m4, cluster.awaitLeader(running));
    long rev = get(m4.kv().put(bs("after"), bs("promotion"))).header().revision();
    assertTrue(rev > 1);
    assertEquals("promotion", get(leader.kv().get(bs("after"))).kvs().get(0).value().toString());
  }

  @Test
  void aLearnerFarBehindCatchesUpFromASnapshot() {
    start(b -> b.snapshotCount(50));
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    for (int i = 0; i < 300; i++) {
      get(leader.kv().put(bs("pre-" + i), bs("v" + i)));
    }
    EtcdNode m4 = cluster.joiner("m4");
    CompletableFuture<EtcdNode> started = m4.start();
    get(leader.cluster().addMember("m4", cluster.joined.get("m4"), true));
    load = new Load(leader);
    get(started);
    await().atMost(WAIT).until(() -> load.acked.get() > 100);
    promoteWhenReady(leader, m4.memberId());
    load.stop();
    assertEquals(null, load.error.get());
    awaitSameRevision(leader, m4);
    assertEquals(
        "v299", get(m4.kv().get(bs("pre-299"), SERIALIZABLE)).kvs().get(0).value().toString());
    assertEquals(
        get(leader.maintenance().hashKv(0)).hash(), get(m4.maintenance().hashKv(0)).hash());
    assertFalse(status(m4).learner());
  }

  @Test
  void aRemovedFollowerStopsItselfAndTheRestKeepWorking() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> followers = TestCluster.followers(leader, cluster.nodes);
    EtcdNode removed = followers.get(0);
    EtcdNode remaining = followers.get(1);
    get(leader.kv().put(bs("k"), bs("v1")));

    MemberListResponse after = get(remaining.cluster().removeMember(removed.memberId()));
    assertEquals(2, after.members().size());
    assertFalse(byName(after.members()).containsKey(removed.config().memberName()));

    await()
        .atMost(WAIT)
        .until(
            () -> failureOf(removed.kv().put(bs("k"), bs("x"))) instanceof MemberRemovedException);
    await()
        .atMost(WAIT)
        .until(() -> TestCluster.nodeThreads(removed.config().memberName()).isEmpty());

    get(leader.kv().put(bs("k"), bs("v2")));
    assertEquals("v2", get(remaining.kv().get(bs("k"))).kvs().get(0).value().toString());
    assertEquals(2, get(remaining.cluster().listMembers()).members().size());
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    try {
      f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void removingTheLeaderHandsLeadershipOverAndItStops() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    get(leader.kv().put(bs("k"), bs("v1")));
    List<EtcdNode> rest = TestCluster.followers(leader, cluster.nodes);

    MemberListResponse after = get(leader.cluster().removeMember(leader.memberId()));
    assertEquals(2, after.members().size());

    EtcdNode newLeader = cluster.awaitLeader(rest);
    assertTrue(rest.contains(newLeader));
    await()
        .atMost(WAIT)
        .until(
            () -> failureOf(leader.kv().put(bs("k"), bs("x"))) instanceof MemberRemovedException);
    get(newLeader.kv().put(bs("k"), bs("v2")));
    for (EtcdNode n : rest) {
      assertEquals("v2", get(n.kv().get(bs("k"))).kvs().get(0).value().toString());
      assertEquals(2, get(n.cluster().listMembers()).members().size());
    }
  }

  @Test
  void leadershipMovesToEachFollower() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    for (EtcdNode target : TestCluster.followers(leader, cluster.nodes)) {
      EtcdNode current = cluster.awaitLeader(cluster.nodes);
      get(current.cluster().moveLeader(target.memberId()));
      assertEquals(target, cluster.awaitLeader(cluster.nodes));
      get(target.kv().put(bs("k"), bs("led by " + target.config().memberName())));
    }
    // as in etcd, a follower refuses and names the leader
    EtcdNode current = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> others = TestCluster.followers(current, cluster.nodes);
    NotLeaderException notLeader =
        assertInstanceOf(
            NotLeaderException.class,
            failure(others.get(0).cluster().moveLeader(others.get(1).memberId())));
    assertEquals(current.memberId(), notLeader.leaderId());
    // moving to the current leader is done at once
    get(current.cluster().moveLeader(current.memberId()));
    assertEquals(current, cluster.awaitLeader(cluster.nodes));
  }

  @Test
  void aClusterGrowsFromThreeToFiveAndShrinksBackToThree() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    get(leader.kv().put(bs("k"), bs("3")));

    EtcdNode m4 = cluster.joiner("m4");
    CompletableFuture<EtcdNode> s4 = m4.start();
    get(leader.cluster().addMember("m4", cluster.joined.get("m4"), true));
    get(s4);
    promoteWhenReady(leader, m4.memberId());

    // a voter added directly (the cluster keeps a reachable quorum)
    EtcdNode m5 = cluster.joiner("m5");
    CompletableFuture<EtcdNode> s5 = m5.start();
    MemberAddResponse add5 = get(leader.cluster().addMember("m5", cluster.joined.get("m5"), false));
    assertFalse(add5.member().learner());
    get(s5);
    List<EtcdNode> five = new ArrayList<>(cluster.nodes);
    five.add(m4);
    five.add(m5);
    leader = cluster.awaitLeader(five);
    get(leader.kv().put(bs("k"), bs("5")));
    for (EtcdNode n : five) {
      assertEquals(5, get(n.cluster().listMembers()).members().size());
      assertEquals("5", get(n.kv().get(bs("k"))).kvs().get(0).value().toString());
      assertFalse(status(n).learner());
    }

    for (EtcdNode gone : List.of(m5, m4)) {
      EtcdNode current = cluster.awaitLeader(cluster.nodes);
      get(current.cluster().removeMember(gone.memberId()));
      await()
          .atMost(WAIT)
          .until(() -> TestCluster.nodeThreads(gone.config().memberName()).isEmpty());
    }
    leader = cluster.awaitLeader(cluster.nodes);
    get(leader.kv().put(bs("k"), bs("3 again")));
    for (EtcdNode n : cluster.nodes) {
      assertEquals(3, get(n.cluster().listMembers()).members().size());
      assertEquals("3 again", get(n.kv().get(bs("k"))).kvs().get(0).value().toString());
    }
  }

  @Test
  void aWholeClusterRestartKeepsTheMembershipWithAddresses() throws Exception {
    start(b -> b.snapshotCount(20));
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode m4 = cluster.joiner("m4");
    CompletableFuture<EtcdNode> s4 = m4.start();
    get(leader.cluster().addMember("m4", cluster.joined.get("m4"), true));
    get(s4);
    promoteWhenReady(leader, m4.memberId());
    EtcdNode m3 = cluster.nodes.get(2);
    leader = cluster.awaitLeader(List.of(cluster.nodes.get(0), cluster.nodes.get(1), m3, m4));
    get(leader.cluster().removeMember(m3.memberId()));
    await().atMost(WAIT).until(() -> TestCluster.nodeThreads("m3").isEmpty());
    // m3 may have been the leader: write through whoever leads the remaining members
    leader = cluster.awaitLeader(List.of(cluster.nodes.get(0), cluster.nodes.get(1), m4));
    for (int i = 0; i < 50; i++) {
      get(leader.kv().put(bs("k" + i), bs("v" + i)));
    }
    List<Member> before = get(leader.cluster().listMembers()).members();
    assertEquals(3, before.size());

    cluster.close();
    List<EtcdNode> again =
        List.of(cluster.restart("m1"), cluster.restart("m2"), cluster.joiner("m4"));
    CompletableFuture.allOf(again.stream().map(EtcdNode::start).toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    EtcdNode newLeader = cluster.awaitLeader(again);
    for (EtcdNode n : again) {
      assertEquals(byName(before), byName(get(n.cluster().listMembers()).members()));
      assertEquals("v49", get(n.kv().get(bs("k49"))).kvs().get(0).value().toString());
    }
    get(newLeader.kv().put(bs("after"), bs("restart")));
  }

  @Test
  void misuseFailsWithTypedErrors() {
    start(UnaryOperator.identity());
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    long unknown = MemberIds.memberId("etcd-cluster", "nobody");

    assertInstanceOf(
        MemberNotFoundException.class, failure(leader.cluster().promoteMember(unknown)));
    assertInstanceOf(
        MemberNotFoundException.class, failure(follower.cluster().removeMember(unknown)));
    assertInstanceOf(
        NotLearnerException.class, failure(leader.cluster().promoteMember(follower.memberId())));
    assertInstanceOf(
        MemberExistsException.class,
        failure(leader.cluster().addMember("m2", new PeerAddress("127.0.0.1", 1), true)));
    assertInstanceOf(
        MemberExistsException.class,
        failure(leader.cluster().addMember("other", cluster.addresses.get("m1"), true)));
    assertInstanceOf(
        BadLeaderTransfereeException.class, failure(leader.cluster().moveLeader(unknown)));

    // a learner that never starts: over the limit, not ready, not a transferee
    PeerAddress lx = new PeerAddress("127.0.0.1", TestCluster.freePort());
    long lxId = get(leader.cluster().addMember("lx", lx, true)).member().id();
    TooManyLearnersException tooMany =
        assertInstanceOf(
            TooManyLearnersException.class,
            failure(
                leader
                    .cluster()
                    .addMember("ly", new PeerAddress("127.0.0.1", TestCluster.freePort()), true)));
    assertEquals(1, tooMany.limit());
    LearnerNotReadyException notReady =
        assertInstanceOf(
            LearnerNotReadyException.class, failure(leader.cluster().promoteMember(lxId)));
    assertEquals(lxId, notReady.memberId());
    BadLeaderTransfereeException learnerTransferee =
        assertInstanceOf(
            BadLeaderTransfereeException.class, failure(follower.cluster().moveLeader(lxId)));
    assertEquals(lxId, learnerTransferee.memberId());

    // asked of a follower, the leader's refusal reaches the caller typed (once the follower has
    // applied lx's addition: it checks the replicated membership itself first)
    await()
        .atMost(WAIT)
        .until(() -> byName(get(follower.cluster().listMembers()).members()).containsKey("lx"));
    LearnerNotReadyException viaFollower =
        assertInstanceOf(
            LearnerNotReadyException.class, failure(follower.cluster().promoteMember(lxId)));
    assertEquals(lxId, viaFollower.memberId());
    assertTrue(byName(get(leader.cluster().listMembers()).members()).get("lx").learner());

    // a removed id is never reused
    get(leader.cluster().removeMember(lxId));
    assertInstanceOf(
        MemberIdRemovedException.class, failure(leader.cluster().addMember("lx", lx, true)));
    assertInstanceOf(MemberIdRemovedException.class, failure(leader.cluster().removeMember(lxId)));
    assertEquals(3, get(leader.cluster().listMembers()).members().size());
  }
}
