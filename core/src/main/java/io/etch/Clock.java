package io.etch;

/**
 * The node's only source of time, injectable so tests can drive a simulated clock.
 *
 * <p>{@link #nanoTime()} is monotonic and is what every timeout, tick, lease TTL and latency is
 * measured with; {@link #wallMillis()} is wall-clock time and is used only for human-facing values
 * (log lines, metrics timestamps), never for correctness. A node reads its clock from its owner
 * thread and from timers; implementations must be thread-safe.
 */
public interface Clock {
  /** Monotonic nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, like {@link System#currentTimeMillis()}. */
  long wallMillis();

  /** The JVM's clocks. Stateless, so one instance serves every node. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
