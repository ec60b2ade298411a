package io.etch.internal.metrics;

import io.etch.maintenance.LatencySummary;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of durations in nanoseconds with log-linear buckets, in the manner of HdrHistogram
 * but fixed and small: values below 8 have a bucket each; above, each power of two is split into
 * {@link #SUB_BUCKETS} equal buckets, so a bucket's width is at most 1/8 of its lower bound
 * (percentiles are reported as the bucket's upper bound: at most 12.5% high). 488 buckets cover
 * every positive {@code long}.
 *
 * <p>Recording is lock-free and allocation-free ({@link AtomicLongArray} increments, {@link
 * LongAdder}s for count and sum, a {@link LongAccumulator} for the max), so any thread records on
 * its hot path. Reading ({@link #summary()}) scans the buckets without stopping writers: a summary
 * taken while values are recorded may be off by the values in flight.
 */
public final class LatencyHistogram {
  static final int SUB_BITS = 3;
  static final int SUB_BUCKETS = 1 << SUB_BITS;
  static final int BUCKETS = (64 - SUB_BITS) * SUB_BUCKETS;

  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

  /** Records one duration; negative values (a clock step) count as 0. */
  public void record(long nanos) {
    long v = Math.max(0, nanos);
    buckets.incrementAndGet(bucketOf(v));
    count.increment();
    totalNanos.add(v);
    maxNanos.accumulate(v);
  }

  static int bucketOf(long v) {
    if (v < SUB_BUCKETS) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
    return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
  }

  /** The largest value that falls in {@code bucket}. */
  static long upperBound(int bucket) {
    if (bucket < SUB_BUCKETS) {
      return bucket;
    }
    int exponent = bucket / SUB_BUCKETS + SUB_BITS - 1;
    long sub = bucket % SUB_BUCKETS;
    long lower = (SUB_BUCKETS + sub) << (exponent - SUB_BITS);
    long width = 1L << (exponent - SUB_BITS);
    long upper = lower + width - 1;
    return upper < 0 ? Long.MAX_VALUE : upper;
  }

  public long count() {
    return count.sum();
  }

  public long totalNanos() {
    return totalNanos.sum();
  }

  public long maxNanos() {
    return maxNanos.get();
  }

  /**
   * The value below which {@code percentile}% of the recorded values fall (a bucket's upper bound,
   * capped at the max); 0 when nothing was recorded.
   */
  public long valueAtPercentile(double percentile) {
    long[] snapshot = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = buckets.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * Math.min(100.0, percentile) / 100.0));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), maxNanos());
      }
    }
    return maxNanos();
  }

  /** Count, sum, max and 99th percentile since the node started. */
  public LatencySummary summary() {
    long n = count();
    if (n == 0) {
      return LatencySummary.EMPTY;
    }
    return new LatencySummary(n, totalNanos(), maxNanos(), valueAtPercentile(99));
  }
}
