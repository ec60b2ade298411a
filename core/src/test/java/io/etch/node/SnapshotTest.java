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

/**
 * Snapshots every {@code snapshotCount} (20) applied entries, log compaction behind them, a member
 * too far behind catching up from a snapshot the leader streams, restarts from snapshot + tail.
 */
class SnapshotTest {
  private static final long SNAPSHOT_COUNT = 20;
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

  private void start(int members) {
    cluster = new TestCluster(dir, members, b -> b.snapshotCount(SNAPSHOT_COUNT)).start();
  }

  @Test
  void aFollowerFarBehindCatchesUpFromTheLeadersSnapshot() {
    start(3);
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    String name = follower.config().memberName();
    follower.close();
    for (int i = 0; i < 150; i++) {
      leader.kv().put(bs("s/" + (i % 40)), bs("v" + i)).join();
    }
    leader.kv().delete(bs("s/0")).join();

    EtcdNode back = cluster.restart(name);
    back.start().join();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> back.kv().get(bs("s/"), ALL_SERIALIZABLE).join().header().revision() == 151);
    GetResponse r = back.kv().get(bs("s/"), ALL).join();
    assertEquals(39, r.count());
    assertEquals(
        leader.maintenance().hashKv(151).join().hash(),
        back.maintenance().hashKv(151).join().hash());
    // and it keeps applying new writes after the install
    leader.kv().put(bs("s/new"), bs("x")).join();
    assertEquals(1, back.kv().get(bs("s/new")).join().count());
  }

  @Test
  void aClusterRestartsFromItsSnapshotsAndLogTails() {
    start(3);
    for (int i = 0; i < 75; i++) {
      cluster.nodes.get(i % 3).kv().put(bs("t/" + i), bs("v")).join();
    }
    // The last write was acknowledged through another member: hashKv is a local read, so wait
    // until this member has applied it (etcd answers a future revision here too).
    EtcdNode first = cluster.nodes.get(0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> first.maintenance().status().join().revision() >= 75);
    long hash = first.maintenance().hashKv(75).join().hash();
    cluster.close();
    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>();
    for (String name : cluster.addresses.keySet()) {
      starts.add(cluster.restart(name).start());
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    for (EtcdNode n : cluster.restarted) {
      GetResponse r = n.kv().get(bs("t/"), ALL).join();
      assertEquals(75, r.count());
      assertEquals(hash, n.maintenance().hashKv(75).join().hash());
    }
    // request ids of the first run are remembered: new writes apply normally
    assertEquals(
        76, cluster.restarted.get(0).kv().put(bs("t/x"), bs("y")).join().header().revision());
  }
}
