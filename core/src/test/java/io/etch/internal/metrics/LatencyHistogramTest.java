package io.etch.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.maintenance.LatencySummary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void bucketsAreContiguousAndNarrow() {
    long previousUpper = -1;
    for (int b = 0; b < LatencyHistogram.BUCKETS; b++) {
      long upper = LatencyHistogram.upperBound(b);
      assertTrue(upper > previousUpper, "bucket " + b);
      long lower = previousUpper + 1;
      assertEquals(b, LatencyHistogram.bucketOf(lower), "lower bound of bucket " + b);
      assertEquals(b, LatencyHistogram.bucketOf(upper), "upper bound of bucket " + b);
      assertTrue(lower < 8 || (upper - lower + 1) * 8 <= lower, "bucket " + b + " too wide");
      previousUpper = upper;
    }
    assertEquals(Long.MAX_VALUE, previousUpper);
  }

  @Test
  void summaryCountsSumsAndFindsPercentilesWithinAnEighth() {
    long seed = 7;
    SplittableRandom random = new SplittableRandom(seed);
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(LatencySummary.EMPTY, h.summary());
    long[] values = new long[10_000];
    long total = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextLong(1, 50_000_000);
      h.record(values[i]);
      total += values[i];
    }
    java.util.Arrays.sort(values);
    LatencySummary s = h.summary();
    assertEquals(values.length, s.count());
    assertEquals(total, s.totalNanos());
    assertEquals(values[values.length - 1], s.maxNanos());
    long exact = values[(int) Math.ceil(values.length * 0.99) - 1];
    assertTrue(
        s.p99Nanos() >= exact && s.p99Nanos() <= exact + exact / 8,
        "seed " + seed + ": p99 " + s.p99Nanos() + " vs exact " + exact);
    h.record(-5);
    assertEquals(0, h.valueAtPercentile(0.001));
  }

  @Test
  void concurrentRecordingLosesNothing() throws InterruptedException {
    LatencyHistogram h = new LatencyHistogram();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 1; i <= 100_000; i++) {
                  h.record(i);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(400_000, h.count());
    assertEquals(4 * (100_000L * 100_001 / 2), h.totalNanos());
    assertEquals(100_000, h.maxNanos());
  }

  @Test
  void operationNamesMapToTheOperationsEtcdTimes() {
    assertEquals(io.etch.maintenance.MetricsSnapshot.Operation.PUT, NodeMetrics.operationOf("put"));
    assertEquals(
        io.etch.maintenance.MetricsSnapshot.Operation.RANGE, NodeMetrics.operationOf("get"));
    assertEquals(null, NodeMetrics.operationOf("alarm"));
  }
}
