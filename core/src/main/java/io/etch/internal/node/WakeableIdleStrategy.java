package io.etch.internal.node;

import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * The idle strategy of a node thread (raft owner, applier) that other threads hand work to: spin,
 * then yield, then park with exponential back-off up to {@code maxParkNs}, like Agrona's {@code
 * BackoffIdleStrategy} — except that a producer calls {@link #wake()} after queueing work, which
 * ends a park at once. Since parks end on demand, it yields only twice before parking (the node's
 * back-off yielded 20 times): on a machine with fewer cores than busy threads every yield is a
 * system call that buys nothing.
 *
 * <h2>Why</h2>
 *
 * A put crosses four such hand-offs (client to the leader's owner, leader to a follower's owner
 * through the transport, the answer back to the leader's owner, the leader's owner to its applier).
 * With back-off alone a thread idle for a couple of milliseconds parks up to {@code maxParkNs} (1
 * ms) per hop before it notices, which at 64 requests in flight is most of a put's latency. Parks
 * stay bounded, so work that arrives without a wake (a timer, another queue) is still picked up
 * within {@code maxParkNs}.
 *
 * <h2>No lost wake-up</h2>
 *
 * The producer writes {@code wakeRequested} (volatile) after its work is queued, then reads {@code
 * parked}; the idle thread writes {@code parked} before it reads {@code wakeRequested}. One of the
 * two sees the other's write: either the producer unparks (and a permit given before {@code
 * parkNanos} makes it return at once), or the idle thread skips the park. A wake while the thread
 * is busy only skips its next park.
 *
 * <p>One consumer thread: the one that calls {@link #idle(int)}; {@link #wake()} from any thread.
 */
final class WakeableIdleStrategy implements IdleStrategy {
  static final int MAX_SPINS = 10;
  static final int MAX_YIELDS = 2;

  /** The first park after the spins and yields. */
  static final long MIN_PARK_NS = 1_000;

  private final long minParkNs;
  private final long maxParkNs;
  private volatile Thread consumer;
  private volatile boolean parked;
  private volatile boolean wakeRequested;
  private int spins;
  private int yields;
  private long parkNs;

  /**
   * @param minParkNs the first park after spinning and yielding; doubles up to {@code maxParkNs}
   * @param maxParkNs the longest park without a wake: how late work queued without {@link #wake()}
   *     may be noticed
   */
  WakeableIdleStrategy(long minParkNs, long maxParkNs) {
    if (minParkNs <= 0 || maxParkNs < minParkNs) {
      throw new IllegalArgumentException(
          "parks must satisfy 0 < minParkNs <= maxParkNs: minParkNs "
              + minParkNs
              + ", maxParkNs "
              + maxParkNs);
    }
    this.minParkNs = minParkNs;
    this.maxParkNs = maxParkNs;
    this.parkNs = minParkNs;
  }

  /** Any thread, after queueing work for the consumer: ends its park, or skips its next one. */
  void wake() {
    wakeRequested = true;
    if (parked) {
      Thread t = consumer;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  @Override
  public void idle(int workCount) {
    if (workCount > 0) {
      reset();
    } else {
      idle();
    }
  }

  @Override
  public void idle() {
    if (spins < MAX_SPINS) {
      spins++;
      Thread.onSpinWait();
      return;
    }
    if (yields < MAX_YIELDS) {
      yields++;
      Thread.yield();
      return;
    }
    if (consumer == null) {
      consumer = Thread.currentThread();
    }
    parked = true;
    if (wakeRequested) {
      parked = false;
      wakeRequested = false;
      reset();
      return;
    }
    LockSupport.parkNanos(this, parkNs);
    parked = false;
    if (wakeRequested) {
      wakeRequested = false;
      reset();
    } else {
      parkNs = Math.min(parkNs << 1, maxParkNs);
    }
  }

  @Override
  public void reset() {
    spins = 0;
    yields = 0;
    parkNs = minParkNs;
  }

  @Override
  public String alias() {
    return "wakeable-backoff";
  }
}
