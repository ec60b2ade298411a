package io.etch.internal.watch;

import java.time.Duration;

/**
 * Drives the periodic progress notifications of a {@link WatchHub}. The default runs on the hub's
 * own thread at the configured interval; a node with a simulated clock, or a test, injects one that
 * fires when it decides.
 */
@FunctionalInterface
public interface ProgressTimer {
  /**
   * Starts calling {@code tick} about every {@code interval}, one call at a time, until the
   * returned handle is cancelled.
   */
  Cancellable start(Runnable tick, Duration interval);

  /** Stops a started timer. */
  @FunctionalInterface
  interface Cancellable {
    /** Stops further ticks; a tick already running may finish. Idempotent. */
    void cancel();
  }
}
