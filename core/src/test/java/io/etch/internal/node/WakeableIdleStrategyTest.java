package io.etch.internal.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A wake ends a park, and a wake that comes before the park skips it. Parks here last an hour, so
 * the thread only finishes within the test's wait if the wake did its job.
 */
class WakeableIdleStrategyTest {
  private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void wakeEndsAPark() throws InterruptedException {
    WakeableIdleStrategy idle = new WakeableIdleStrategy(HOUR_NS, HOUR_NS);
    AtomicBoolean done = new AtomicBoolean();
    Thread consumer =
        new Thread(
            () -> {
              while (!done.get()) {
                idle.idle(0);
              }
            },
            "idle-consumer");
    consumer.setDaemon(true);
    consumer.start();
    await().atMost(WAIT).until(() -> LockSupport.getBlocker(consumer) == idle);
    done.set(true);
    idle.wake();
    await().atMost(WAIT).until(() -> !consumer.isAlive());
  }

  @Test
  void wakeBeforeTheParkSkipsIt() throws InterruptedException {
    WakeableIdleStrategy idle = new WakeableIdleStrategy(HOUR_NS, HOUR_NS);
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    idle.wake(); // work was queued while the consumer was busy
    Thread consumer =
        new Thread(
            () -> {
              while (!done.get()) {
                calls.incrementAndGet();
                idle.idle(0);
              }
            },
            "idle-consumer");
    consumer.setDaemon(true);
    consumer.start();
    await().atMost(WAIT).until(() -> LockSupport.getBlocker(consumer) == idle);
    int parkAt = WakeableIdleStrategy.MAX_SPINS + WakeableIdleStrategy.MAX_YIELDS + 1;
    // the first park was skipped (back to spinning); the second one is the one it sleeps in
    assertEquals(2 * parkAt, calls.get());
    done.set(true);
    idle.wake();
    await().atMost(WAIT).until(() -> !consumer.isAlive());
  }

  @Test
  void rejectsParksOutOfOrder() {
    assertThrows(IllegalArgumentException.class, () -> new WakeableIdleStrategy(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new WakeableIdleStrategy(10, 5));
  }
}
