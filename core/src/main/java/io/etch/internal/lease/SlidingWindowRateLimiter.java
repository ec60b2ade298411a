package io.etch.internal.lease;

/**
 * At most {@code permits} acquisitions in any window of {@code windowNs} of the injected time: it
 * remembers the times of the last {@code permits} acquisitions in a ring and grants a new one only
 * when the oldest of them is at least a window old. Exact (no burst at window edges, unlike fixed
 * windows), deterministic, O(1), and {@code permits} longs of memory.
 */
final class SlidingWindowRateLimiter {
  private final long[] times;
  private final long windowNs;
  private int head;
  private int count;

  SlidingWindowRateLimiter(int permits, long windowNs) {
    if (permits <= 0 || windowNs <= 0) {
      throw new IllegalArgumentException(
          "permits and windowNs must be > 0, got " + permits + " and " + windowNs);
    }
    this.times = new long[permits];
    this.windowNs = windowNs;
  }

  /** Takes a permit at {@code nowNs} if one is free. */
  boolean tryAcquire(long nowNs) {
    if (count < times.length) {
      times[(head + count) % times.length] = nowNs;
      count++;
      return true;
    }
    if (nowNs - times[head] < windowNs) {
      return false;
    }
    times[head] = nowNs;
    head = (head + 1) % times.length;
    return true;
  }

  void reset() {
    head = 0;
    count = 0;
  }
}
