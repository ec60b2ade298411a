package io.etch.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.Clock;
import io.etch.maintenance.MetricsSnapshot.Operation;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The thresholds etcd warns at, the drop report's rate limit, request latency by operation. */
class NodeMetricsTest {
  private static final class ManualClock implements Clock {
    long nowNs = 1_000;

    @Override
    public long nanoTime() {
      return nowNs;
    }

    @Override
    public long wallMillis() {
      return 0;
    }
  }

  @Test
  void slowSyncsAndAppliesAreCountedAboveEtcdsThresholds() {
    NodeMetrics m = new NodeMetrics("t", new ManualClock(), () -> 0);
    m.walSynced(NodeMetrics.SLOW_WAL_SYNC_NS);
    m.walSynced(NodeMetrics.SLOW_WAL_SYNC_NS + 1);
    m.applied(1, NodeMetrics.SLOW_APPLY_NS);
    m.applied(2, NodeMetrics.SLOW_APPLY_NS + 1);
    m.snapshotSaved(3, 5, Path.of("does-not-exist"));
    assertEquals(1, m.slowWalSyncs());
    assertEquals(1, m.slowApplies());
    assertEquals(2, m.walSync().count());
    assertEquals(2, m.apply().count());
    assertEquals(1, m.snapshotSave().count());
  }

  @Test
  void droppedMessagesAreReadAtMostOncePerInterval() {
    ManualClock clock = new ManualClock();
    AtomicInteger reads = new AtomicInteger();
    NodeMetrics m = new NodeMetrics("t", clock, () -> 10L * reads.incrementAndGet());
    for (int tick = 0; tick < 1000; tick++) {
      clock.nowNs += TimeUnit.MILLISECONDS.toNanos(100); // 100 s of ticks
      m.onTick(clock.nowNs);
    }
    assertEquals(10, reads.get());
  }

  @Test
  void requestLatencyIsByOperationAndFailuresAreCounted() {
    ManualClock clock = new ManualClock();
    NodeMetrics m = new NodeMetrics("t", clock, () -> 0);
    long start = m.nowNs();
    clock.nowNs += 2_000_000;
    m.requestDone("put", start, false);
    m.requestDone("get", start, true);
    m.requestDone("alarm", start, false);
    assertEquals(1, m.failedRequests());
    assertEquals(2_000_000, m.requestLatency().get(Operation.PUT).totalNanos());
    assertEquals(1, m.requestLatency().get(Operation.RANGE).count());
    assertEquals(2, m.requestLatency().size());
  }
}
