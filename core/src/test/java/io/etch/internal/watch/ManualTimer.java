package io.etch.internal.watch;

import java.time.Duration;

/** A progress timer the test fires by hand. */
final class ManualTimer implements ProgressTimer {
  private volatile Runnable tick;
  private volatile boolean cancelled;

  @Override
  public Cancellable start(Runnable tick, Duration interval) {
    this.tick = tick;
    return () -> cancelled = true;
  }

  void fire() {
    if (!cancelled) {
      tick.run();
    }
  }

  boolean cancelled() {
    return cancelled;
  }
}
