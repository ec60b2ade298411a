package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.cluster.MemberIds;
import io.etch.maintenance.HealthResponse;
import io.etch.maintenance.MetricsSnapshot;
import io.etch.maintenance.MetricsSnapshot.Operation;
import io.etch.maintenance.PeerTraffic;
import io.etch.metrics.EtchMetrics;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.CompactOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import io.etch.watch.Watcher;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintenance().metrics()} and the Micrometer binder follow what happens on a member:
 * writes, reads, snapshots, watchers, peer traffic, leadership.
 */
class MetricsTest {
  @TempDir Path dir;

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  @Test
  void metricsFollowOperationsWithAndWithoutMicrometer() {
    try (TestCluster cluster = new TestCluster(dir, 3, b -> b.snapshotCount(50)).start()) {
      // the leader exchanges messages with every peer, so both directions count for each
      EtcdNode node = cluster.awaitLeader(cluster.nodes);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      EtchMetrics.bind(node, registry);

      MetricsSnapshot before = node.maintenance().metrics();
      assertTrue(before.hasLeader());
      assertTrue(before.leaderChanges() >= 1);
      assertEquals(0, before.keys());

      for (int i = 0; i < 60; i++) {
        node.kv().put(bs("m/" + i), bs("v" + i), PutOption.DEFAULT).join();
      }
      node.kv().get(bs("m/1")).join();
      node.kv().get(bs("m/1"), GetOption.builder().withSerializable(true).build()).join();
      node.kv().delete(bs("m/2")).join();
      node.kv()
          .txn()
          .If(new Cmp(bs("m/3"), Cmp.Result.GREATER, CmpTarget.version(0)))
          .Then(Op.put(bs("m/3"), bs("t"), PutOption.DEFAULT))
          .commit()
          .join();
      long rev = node.kv().put(bs("m/4"), bs("last")).join().header().revision();
      node.kv().compact(rev - 10, CompactOption.DEFAULT).join();
      Watcher watcher = node.watch().watch(bs("m/"), new NoListener());

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> node.maintenance().metrics().snapshotSave().count() > 0);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> node.maintenance().metrics().watchers() == 1);
      MetricsSnapshot after = node.maintenance().metrics();
      assertEquals(59, after.keys());
      assertTrue(after.dataSizeBytes() > before.dataSizeBytes());
      assertTrue(after.proposalsCommitted() >= before.proposalsCommitted() + 64);
      assertTrue(after.proposalsApplied() >= before.proposalsApplied() + 64);
      assertTrue(after.walFsync().count() > before.walFsync().count());
      assertTrue(after.apply().count() >= 64);
      assertEquals(61, after.requestLatency().get(Operation.PUT).count());
      assertEquals(2, after.requestLatency().get(Operation.RANGE).count());
      assertEquals(1, after.requestLatency().get(Operation.DELETE_RANGE).count());
      assertEquals(1, after.requestLatency().get(Operation.TXN).count());
      assertEquals(1, after.requestLatency().get(Operation.COMPACT).count());
      assertTrue(after.requestLatency().get(Operation.PUT).p99Nanos() > 0);
      assertEquals(2, after.peers().size());
      for (PeerTraffic p : after.peers()) {
        assertTrue(p.bytesSent() > 0 && p.bytesReceived() > 0, p.toString());
      }

      // the same numbers through Micrometer (read from a snapshot at most 500 ms old)
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertEquals(1.0, registry.get("etcd.server.has.leader").gauge().value());
                assertEquals(59.0, registry.get("etcd.debugging.mvcc.keys.total").gauge().value());
                FunctionTimer puts =
                    registry.get("etch.request.duration").tag("operation", "put").functionTimer();
                assertEquals(61.0, puts.count());
                assertTrue(puts.totalTime(TimeUnit.NANOSECONDS) > 0);
                assertTrue(
                    registry.get("etcd.disk.wal.fsync.duration").functionTimer().count() > 0);
                assertTrue(
                    registry.get("etcd.server.proposals.applied").functionCounter().count()
                        >= after.proposalsApplied());
                assertTrue(
                    registry.get("etcd.debugging.snap.save.total.duration").functionTimer().count()
                        > 0);
              });
      String other = cluster.nodes.get(0) == node ? "m2" : "m1";
      String peer = Long.toHexString(MemberIds.memberId(node.config().clusterToken(), other));
      assertTrue(
          registry.get("etcd.network.peer.sent.bytes").tag("To", peer).functionCounter().count()
              > 0);
      assertTrue(
          registry
                  .get("etcd.network.peer.received.bytes")
                  .tag("From", peer)
                  .functionCounter()
                  .count()
              > 0);
      assertEquals(
          node.config().memberName(),
          registry.get("etcd.server.has.leader").gauge().getId().getTag("member"));

      watcher.close();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> node.maintenance().metrics().watchers() == 0);

      // quorum lost: no leader, reported by metrics, Micrometer and health alike
      for (EtcdNode n : cluster.nodes) {
        if (n != node) {
          n.close();
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> !node.maintenance().metrics().hasLeader());
      assertTrue(
          node.maintenance().health().join().problems().contains(HealthResponse.Problem.NO_LEADER));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> registry.get("etcd.server.has.leader").gauge().value() == 0.0);
    }
  }

  private static final class NoListener implements Watch.Listener {
    @Override
    public void onNext(io.etch.watch.WatchResponse response) {}

    @Override
    public void onError(Throwable error) {}

    @Override
    public void onCompleted() {}
  }
}
