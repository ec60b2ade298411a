package io.etch.benchmarks.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final long SEED = 20261121L;

  @Test
  void everyValueFallsInABucketWhoseUpperBoundIsWithinResolution() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextLong(1L << random.nextInt(1, 39));
      int bucket = LatencyHistogram.bucketOf(v);
      long upper = LatencyHistogram.upperBoundNs(bucket);
      assertTrue(
          upper >= v && upper <= v + v / LatencyHistogram.SUB_BUCKETS,
          "value " + v + " -> bucket " + bucket + " upper " + upper + " (seed " + SEED + ")");
      if (bucket > 0) {
        assertTrue(
            LatencyHistogram.upperBoundNs(bucket - 1) < v,
            "value " + v + " belongs to an earlier bucket (seed " + SEED + ")");
      }
    }
  }

  @Test
  void quantilesMatchTheSortedSamplesWithinResolution() {
    SplittableRandom random = new SplittableRandom(SEED);
    LatencyHistogram h = new LatencyHistogram();
    long[] samples = new long[50_000];
    for (int i = 0; i < samples.length; i++) {
      // log-uniform from 1 µs to about 1 s, like request latencies
      samples[i] = (long) Math.exp(Math.log(1_000) + random.nextDouble() * Math.log(1_000_000));
      h.record(samples[i]);
    }
    Arrays.sort(samples);
    assertEquals(samples.length, h.count());
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999, 1.0}) {
      long exact = samples[(int) Math.ceil(q * samples.length) - 1];
      long reported = h.valueAtQuantileNs(q);
      assertTrue(
          reported >= exact && reported <= exact + exact / LatencyHistogram.SUB_BUCKETS,
          "q " + q + ": exact " + exact + ", reported " + reported + " (seed " + SEED + ")");
    }
  }

  @Test
  void recordsCountsOutOfRangeValuesAndResets() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.valueAtQuantileNs(0.5), "empty");
    h.record(-5);
    h.record(Long.MAX_VALUE);
    h.record(100, 3);
    assertEquals(5, h.count());
    assertEquals(0, h.valueAtQuantileNs(0.2), "a negative value counts as 0");
    assertEquals(101, h.valueAtQuantileNs(0.8), "100 falls in [100, 101]");
    assertTrue(h.valueAtQuantileNs(1.0) >= 1L << LatencyHistogram.MAX_EXPONENT, "overflow bucket");
    assertThrows(IllegalArgumentException.class, () -> h.valueAtQuantileNs(0));
    h.reset();
    assertEquals(0, h.count());
  }
}
