package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.GetResponse;
import io.etch.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Members restarted on the same data directories (the WAL) and ports, in the same JVM. */
class RestartTest {
  private static final GetOption ALL = GetOption.builder().isPrefix(true).build();
  private static final GetOption ALL_SERIALIZABLE =
      GetOption.builder().isPrefix(true).withSerializable(true).build();

  @TempDir Path dir;
  TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  @Test
  void aSingleMemberKeepsItsDataAndRevisionsAcrossARestart() {
    cluster = new TestCluster(dir, 1).start();
    EtcdNode node = cluster.nodes.get(0);
    for (int i = 0; i < 10; i++) {
      node.kv().put(bs("r/" + i), bs("v" + i)).join();
    }
    node.kv().delete(bs("r/0")).join();
    node.close();

    EtcdNode again = cluster.restart("m1");
    again.start().join();
    GetResponse r = again.kv().get(bs("r/"), ALL).join();
    assertEquals(9, r.count());
    assertEquals(11, r.header().revision());
    assertEquals(12, again.kv().put(bs("r/x"), bs("y")).join().header().revision());
  }

  @Test
  void aWholeClusterRestartsWithAllItsData() {
    cluster = new TestCluster(dir, 3).start();
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    for (int i = 0; i < 30; i++) {
      cluster.nodes.get(i % 3).kv().put(bs("w/" + i), bs("v")).join();
    }
    // Writes were acknowledged through every member: wait until the leader has applied all 30
    // before hashing (hashKv is a local read), and hash at that revision, not at "current".
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> leader.maintenance().status().join().revision() >= 30);
    long hash = leader.maintenance().hashKv(30).join().hash();
    cluster.close();

    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>();
    for (String name : cluster.addresses.keySet()) {
      starts.add(cluster.restart(name).start());
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    for (EtcdNode n : cluster.restarted) {
      GetResponse r = n.kv().get(bs("w/"), ALL).join();
      assertEquals(30, r.count(), n.config().memberName());
      assertEquals(30, r.header().revision());
      assertEquals(hash, n.maintenance().hashKv(30).join().hash());
    }
  }

  @Test
  void aFollowerRestartsAndCatchesUpFromTheLog() {
    cluster = new TestCluster(dir, 3).start();
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    for (int i = 0; i < 10; i++) {
      leader.kv().put(bs("f/" + i), bs("before")).join();
    }
    String name = follower.config().memberName();
    follower.close();
    for (int i = 10; i < 25; i++) {
      leader.kv().put(bs("f/" + i), bs("while down")).join();
    }
    EtcdNode back = cluster.restart(name);
    back.start().join();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> back.kv().get(bs("f/"), ALL_SERIALIZABLE).join().count() == 25);
    assertEquals(25, back.kv().get(bs("f/"), ALL).join().count());
  }
}
