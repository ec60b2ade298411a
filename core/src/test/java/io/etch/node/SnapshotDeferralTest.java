package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store at or above {@code snapshotDeferAboveBytes} is snapshotted only once the log applied
 * since its last snapshot carries {@code snapshotLogRatio} of its size; a smaller one every {@code
 * snapshotCount} entries, as before. Seen through the member's snapshot metrics, and a restart from
 * a deferred snapshot and the long log tail behind it.
 */
class SnapshotDeferralTest {
  private static final int VALUE_BYTES = 1024;

  @TempDir Path dir;
  private TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static void put(EtcdNode node, int from, int to) {
    byte[] value = new byte[VALUE_BYTES];
    List<CompletableFuture<?>> puts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      puts.add(node.kv().put(bs("d/" + (i % 10)), ByteSequence.from(value)));
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
  }

  private static long snapshots(EtcdNode node) {
    return node.maintenance().metrics().snapshotSave().count();
  }

  private static void awaitSnapshots(EtcdNode node, long count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> snapshots(node) >= count);
  }

  @Test
  void aLargeStoreWaitsForTheLogToGrowWhileASmallOneSnapshotsByCount() {
    // one byte: every store is "large"; a ratio of 2: the log must carry twice the store
    cluster =
        new TestCluster(
                dir, 1, b -> b.snapshotCount(20).snapshotDeferAboveBytes(1).snapshotLogRatio(2.0))
            .start();
    EtcdNode node = cluster.awaitLeader(cluster.nodes);
    put(node, 0, 30);
    // the store restored at start was empty (below one byte): the count alone took the first
    awaitSnapshots(node, 1);
    long first = snapshots(node);
    // the next waits until 2 x the store at that snapshot (at least 20 versions of 1 KiB, so
    // 40 KiB and more) has been applied; 30 more puts carry about 30 KiB
    put(node, 30, 60);
    long revision = node.kv().put(bs("d/last"), bs("x")).join().header().revision();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> node.maintenance().status().join().revision() >= revision);
    assertEquals(first, snapshots(node), "no snapshot while the log is short of 2 x the store");
    // enough log for any store up to 60 versions of 1 KiB: the next snapshot comes
    put(node, 60, 300);
    awaitSnapshots(node, first + 1);

    // a restart restores the last snapshot and replays the long tail behind it
    String name = node.config().memberName();
    long lastRevision = node.maintenance().status().join().revision();
    long hash = node.maintenance().hashKv(lastRevision).join().hash();
    node.close();
    EtcdNode back = cluster.restart(name);
    back.start().join();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> back.maintenance().status().join().revision() >= lastRevision);
    assertEquals(hash, back.maintenance().hashKv(lastRevision).join().hash());
    assertEquals(
        VALUE_BYTES, back.kv().get(bs("d/9")).join().kvs().get(0).value().size(), "a value intact");
  }

  @Test
  void belowTheDeferSizeASnapshotIsTakenEverySnapshotCountEntries() {
    cluster =
        new TestCluster(
                dir,
                1,
                b -> b.snapshotCount(20).snapshotDeferAboveBytes(64L << 20).snapshotLogRatio(2.0))
            .start();
    EtcdNode node = cluster.awaitLeader(cluster.nodes);
    for (int round = 1; round <= 4; round++) {
      put(node, (round - 1) * 25, round * 25);
      awaitSnapshots(node, round);
    }
  }
}
