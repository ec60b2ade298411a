package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.KeyValue;
import io.etch.lease.LeaseTimeToLiveResponse;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases and their attachments are replicated state: they survive a whole-cluster restart (from
 * snapshot + log tail) and reach a lagging follower inside the leader's snapshot.
 */
class LeaseRestartTest {
  private static final long SNAPSHOT_COUNT = 20;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

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

  private static PutOption lease(long id) {
    return PutOption.builder().withLeaseId(id).build();
  }

  @Test
  void aWholeClusterRestartKeepsLeasesAndAttachments() {
    cluster = new TestCluster(dir, 3, b -> b.snapshotCount(SNAPSHOT_COUNT)).start();
    EtcdNode first = cluster.awaitLeader(cluster.nodes);
    long inSnapshot = first.lease().grant(600).join().leaseId();
    first.kv().put(bs("p/snap"), bs("v"), lease(inSnapshot)).join();
    for (int i = 0; i < 3 * SNAPSHOT_COUNT; i++) {
      first.kv().put(bs("p/filler" + (i % 5)), bs("v" + i)).join();
    }
    long inLog = first.lease().grant(600, 0xABCDL).join().leaseId();
    first.kv().put(bs("p/log"), bs("v"), lease(inLog)).join();
    cluster.close();

    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>();
    for (String name : cluster.addresses.keySet()) {
      starts.add(cluster.restart(name).start());
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    EtcdNode leader = cluster.awaitLeader(cluster.restarted);
    for (EtcdNode n : cluster.restarted) {
      await()
          .atMost(WAIT)
          .until(
              () -> n.lease().leases().join().leaseIds().containsAll(List.of(inSnapshot, inLog)));
      KeyValue snap = n.kv().get(bs("p/snap")).join().kvs().get(0);
      assertEquals(inSnapshot, snap.lease());
      LeaseTimeToLiveResponse t = n.lease().timeToLive(inLog, true).join();
      assertEquals(600, t.grantedTtlSeconds());
      assertEquals(List.of(bs("p/log")), t.keys());
      assertEquals(List.of(bs("p/snap")), n.lease().timeToLive(inSnapshot, true).join().keys());
    }
    leader.lease().revoke(inSnapshot).join();
    assertEquals(0, leader.kv().get(bs("p/snap")).join().count());
    assertEquals(1, leader.kv().get(bs("p/log")).join().count());
  }

  @Test
  void aLaggingFollowerGetsTheLeasesWithTheLeadersSnapshot() {
    cluster = new TestCluster(dir, 3, b -> b.snapshotCount(SNAPSHOT_COUNT)).start();
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    EtcdNode follower = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    String name = follower.config().memberName();
    follower.close();
    long id = leader.lease().grant(600).join().leaseId();
    leader.kv().put(bs("l/a"), bs("v"), lease(id)).join();
    leader.kv().put(bs("l/b"), bs("v"), lease(id)).join();
    for (int i = 0; i < 150; i++) {
      leader.kv().put(bs("l/filler" + (i % 10)), bs("v" + i)).join();
    }
    long revision = leader.kv().get(bs("l/a")).join().header().revision();

    EtcdNode back = cluster.restart(name);
    back.start().join();
    await()
        .atMost(WAIT)
        .until(() -> back.kv().get(bs("l/a"), SERIALIZABLE).join().header().revision() >= revision);
    assertTrue(back.lease().leases().join().leaseIds().contains(id));
    assertEquals(id, back.kv().get(bs("l/b"), SERIALIZABLE).join().kvs().get(0).lease());
    // the installed table drives the revoke on the member that installed it
    back.lease().revoke(id).join();
    await()
        .atMost(WAIT)
        .until(
            () ->
                back.kv()
                        .get(
                            bs("l/"),
                            GetOption.builder().isPrefix(true).withSerializable(true).build())
                        .join()
                        .count()
                    == 10);
    assertTrue(back.lease().leases().join().leaseIds().isEmpty());
  }
}
