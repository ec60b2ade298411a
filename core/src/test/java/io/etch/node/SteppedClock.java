package io.etch.node;

import static org.awaitility.Awaitility.await;

import io.etch.Clock;
import io.etch.EtcdNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A clock for node tests that moves only when the test moves it: {@link #advance} jumps, {@link
 * #advanceUntil} steps {@code stepNs} at a time (a few ms of real time apart) until a condition
 * holds, and fails after {@code atMost} of real time.
 */
final class SteppedClock implements Clock {
  private final AtomicLong nanos = new AtomicLong(TimeUnit.DAYS.toNanos(1));
  private final long stepNs;
  private final Duration atMost;

  SteppedClock(long stepNs, Duration atMost) {
    this.stepNs = stepNs;
    this.atMost = atMost;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long wallMillis() {
    return 1_700_000_000_000L + TimeUnit.NANOSECONDS.toMillis(nanos.get());
  }

  void advance(long ns) {
    nanos.addAndGet(ns);
  }

  /** Steps the clock until {@code done}; awaits with Awaitility, so a hang fails the test. */
  void advanceUntil(BooleanSupplier done) {
    await()
        .pollInterval(Duration.ofMillis(2))
        .atMost(atMost)
        .until(
            () -> {
              if (done.getAsBoolean()) {
                return true;
              }
              advance(stepNs);
              return false;
            });
  }

  /** Steps the clock until {@code f} completes, and returns its result. */
  <T> T run(CompletableFuture<T> f) {
    advanceUntil(f::isDone);
    return f.join();
  }

  /** Steps the clock until every member of {@code running} names the same leader among them. */
  EtcdNode agreedLeader(List<EtcdNode> running) {
    long[] id = new long[1];
    advanceUntil(() -> (id[0] = TestCluster.agreedLeaderId(running)) != 0);
    return running.stream().filter(n -> n.memberId() == id[0]).findFirst().orElseThrow();
  }
}
