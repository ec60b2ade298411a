package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.FutureRevisionException;
import io.etch.kv.GetResponse;
import io.etch.options.GetOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three members over real Netty on loopback. */
class ThreeNodeClusterTest {
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

  @Test
  void writesThroughAFollowerAreReadLinearizablyFromTheOtherFollower() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> followers = TestCluster.followers(leader, cluster.nodes);
    for (int i = 0; i < 20; i++) {
      long rev = followers.get(0).kv().put(bs("k"), bs("v" + i)).join().header().revision();
      // linearizable (default): sees the acknowledged write at once, on any member
      GetResponse r = followers.get(1).kv().get(bs("k")).join();
      assertEquals(bs("v" + i), r.kvs().get(0).value());
      assertTrue(r.header().revision() >= rev);
      GetResponse onLeader = leader.kv().get(bs("k")).join();
      assertEquals(bs("v" + i), onLeader.kvs().get(0).value());
    }
  }

  @Test
  void serializableReadsFromFollowersCatchUp() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    leader.kv().put(bs("s"), bs("1")).join();
    for (EtcdNode n : cluster.nodes) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> n.kv().get(bs("s"), SERIALIZABLE).join().count() == 1);
      assertEquals(bs("1"), n.kv().get(bs("s"), SERIALIZABLE).join().kvs().get(0).value());
    }
  }

  @Test
  void aSerializablePointGetOnAFollowerIsCompleteOnReturn() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    leader.kv().put(bs("p/1"), bs("one")).join();
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> follower.kv().get(bs("p/1"), SERIALIZABLE).join().count() == 1);
    CompletableFuture<GetResponse> point = follower.kv().get(bs("p/1"), SERIALIZABLE);
    assertTrue(point.isDone(), "a one-key serializable get is served on the calling thread");
    assertEquals(bs("one"), point.join().kvs().get(0).value());
    CompletableFuture<GetResponse> missing = follower.kv().get(bs("p/none"), SERIALIZABLE);
    assertTrue(missing.isDone());
    assertEquals(0, missing.join().count());
    CompletableFuture<GetResponse> future =
        follower
            .kv()
            .get(
                bs("p/1"),
                GetOption.builder().withRevision(1_000_000).withSerializable(true).build());
    assertTrue(future.isCompletedExceptionally(), "errors are typed and complete on return too");
    CompletionException e = assertThrows(CompletionException.class, future::join);
    assertInstanceOf(FutureRevisionException.class, e.getCause());
  }

  @Test
  void concurrentWritesFromEveryMemberAllApplyOnceInOneOrder() {
    cluster.awaitLeader(cluster.nodes);
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      EtcdNode n = cluster.nodes.get(i % 3);
      acks.add(n.kv().put(bs("c/" + i), bs(Integer.toString(i))));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    GetOption all = GetOption.builder().isPrefix(true).build();
    for (EtcdNode n : cluster.nodes) {
      GetResponse r = n.kv().get(bs("c/"), all).join();
      assertEquals(60, r.count());
      assertEquals(60, r.header().revision(), "one revision per put: nothing applied twice");
    }
    long hash = cluster.nodes.get(0).maintenance().hashKv(60).join().hash();
    for (EtcdNode n : cluster.nodes) {
      assertEquals(hash, n.maintenance().hashKv(60).join().hash());
    }
  }

  @Test
  void aWatchOnAFollowerSeesWritesMadeElsewhere() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = TestCluster.followers(leader, cluster.nodes).get(0);
    List<WatchResponse> seen = new CopyOnWriteArrayList<>();
    follower
        .watch()
        .watch(bs("w/"), WatchOption.builder().isPrefix(true).build(), Watch.listener(seen::add));
    for (int i = 0; i < 5; i++) {
      leader.kv().put(bs("w/" + i), bs("x")).join();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> seen.stream().mapToLong(r -> r.events().size()).sum() == 5);
    List<String> keys =
        seen.stream().flatMap(r -> r.events().stream()).map(e -> e.kv().key().toString()).toList();
    assertEquals(List.of("w/0", "w/1", "w/2", "w/3", "w/4"), keys);
  }

  @Test
  void closingTheLeaderElectsANewOneAndLosesNoAcknowledgedWrite() {
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    List<EtcdNode> survivors = TestCluster.followers(leader, cluster.nodes);
    for (int i = 0; i < 20; i++) {
      survivors.get(i % 2).kv().put(bs("d/" + i), bs("before")).join();
    }
    String leaderName = leader.config().memberName();
    leader.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestCluster.nodeThreads(leaderName).isEmpty());

    EtcdNode newLeader = cluster.awaitLeader(survivors);
    assertNotEquals(leader.memberId(), newLeader.memberId());
    for (int i = 20; i < 30; i++) {
      survivors.get(i % 2).kv().put(bs("d/" + i), bs("after")).join();
    }
    GetOption all = GetOption.builder().isPrefix(true).build();
    for (EtcdNode n : survivors) {
      GetResponse r = n.kv().get(bs("d/"), all).join();
      assertEquals(
          30, r.count(), "every acknowledged write survives on " + n.config().memberName());
    }
    assertTrue(TestCluster.bindable(cluster.addresses.get(leaderName)));
  }

  @Test
  void closingTheClusterLeavesNoNodeThreadsAndFreesEveryPort() {
    cluster.awaitLeader(cluster.nodes).kv().put(bs("a"), bs("1")).join();
    cluster.close();
    for (String name : cluster.addresses.keySet()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> TestCluster.nodeThreads(name).isEmpty());
      assertTrue(TestCluster.bindable(cluster.addresses.get(name)), name);
    }
  }
}
