package io.etch.benchmarks.node;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log-linear latency histogram: values in nanoseconds fall into buckets whose width doubles every
 * {@link #SUB_BUCKETS} buckets, so every recorded value is known to within 1/{@value #SUB_BUCKETS}
 * (about 3%) of itself, from 1 ns up to about 2^{@value #MAX_EXPONENT} ns (about 4.6 minutes).
 * Recording is one atomic increment, safe from any thread (futures complete on the node's callback
 * threads); reading is meant for after the measurement.
 *
 * <pre>
 *   values [0, 32)            -> buckets 0..31 (exact)
 *   values [2^e, 2^(e+1)), e>=5 -> 32 buckets of width 2^(e-5), starting at bucket 32*(e-4)
 * </pre>
 */
final class LatencyHistogram {
  static final int SUB_BUCKET_BITS = 5;
  static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  static final int MAX_EXPONENT = 38;

  private final AtomicLongArray counts =
      new AtomicLongArray(SUB_BUCKETS * (MAX_EXPONENT - SUB_BUCKET_BITS + 2));

  /** Records one value; negative values count as 0, values past the range in the last bucket. */
  void record(long valueNs) {
    counts.incrementAndGet(bucketOf(valueNs));
  }

  /** Records {@code count} occurrences of one value. */
  void record(long valueNs, long count) {
    counts.addAndGet(bucketOf(valueNs), count);
  }

  void reset() {
    for (int i = 0; i < counts.length(); i++) {
      counts.set(i, 0);
    }
  }

  long count() {
    long n = 0;
    for (int i = 0; i < counts.length(); i++) {
      n += counts.get(i);
    }
    return n;
  }

  /**
   * The value at {@code quantile} (0..1]: the upper bound of the bucket holding the sample at that
   * rank, so it never understates; 0 when nothing was recorded.
   */
  long valueAtQuantileNs(double quantile) {
    if (!(quantile > 0 && quantile <= 1)) {
      throw new IllegalArgumentException("quantile " + quantile + " is not in (0, 1]");
    }
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return upperBoundNs(i);
      }
    }
    return upperBoundNs(counts.length() - 1);
  }

  static int bucketOf(long valueNs) {
    if (valueNs < SUB_BUCKETS) {
      return (int) Math.max(0, valueNs);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(valueNs);
    if (exponent > MAX_EXPONENT) {
      return SUB_BUCKETS * (MAX_EXPONENT - SUB_BUCKET_BITS + 2) - 1;
    }
    int sub = (int) (valueNs >>> (exponent - SUB_BUCKET_BITS)) & (SUB_BUCKETS - 1);
    return SUB_BUCKETS * (exponent - SUB_BUCKET_BITS + 1) + sub;
  }

  /** The largest value that falls into {@code bucket}. */
  static long upperBoundNs(int bucket) {
    if (bucket < SUB_BUCKETS) {
      return bucket;
    }
    int exponent = bucket / SUB_BUCKETS + SUB_BUCKET_BITS - 1;
    long sub = bucket % SUB_BUCKETS;
    long width = 1L << (exponent - SUB_BUCKET_BITS);
    return (1L << exponent) + (sub + 1) * width - 1;
  }
}
