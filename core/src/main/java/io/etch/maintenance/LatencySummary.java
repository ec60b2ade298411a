package io.etch.maintenance;

/**
 * Durations of one kind of event since the node started.
 *
 * @param count how many
 * @param totalNanos their sum
 * @param maxNanos the longest
 * @param p99Nanos the 99th percentile since the node started, to within 12.5% (0 when there were
 *     none)
 */
public record LatencySummary(long count, long totalNanos, long maxNanos, long p99Nanos) {
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0);

  /** The mean, in nanoseconds; 0 when there were none. */
  public long meanNanos() {
    return count == 0 ? 0 : totalNanos / count;
  }
}
