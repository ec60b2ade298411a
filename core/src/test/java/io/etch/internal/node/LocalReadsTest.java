package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.Clock;
import io.etch.RequestTimeoutException;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.maintenance.MetricsSnapshot.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LocalReadsTest {
  private static final Clock CLOCK = Clock.system();

  private static GetResponse response(long revision) {
    return new GetResponse(new Header(1, 2, revision, 3), List.of(), false, 0);
  }

  @Test
  void readsQueuedTogetherAreServedByOneTaskInOrder() {
    StepExecutor executor = new StepExecutor();
    NodeMetrics metrics = new NodeMetrics("t", CLOCK, () -> 0);
    LocalReads reads = new LocalReads(executor, metrics, 1024);
    List<Long> servedOrder = new ArrayList<>();
    List<CompletableFuture<GetResponse>> futures = new ArrayList<>();
    for (long r = 1; r <= 100; r++) {
      long revision = r;
      futures.add(
          reads.submit(
              () -> {
                servedOrder.add(revision);
                return response(revision);
              }));
    }
    assertEquals(1, executor.tasks.size(), "one drain task for 100 queued reads");
    assertTrue(futures.stream().noneMatch(CompletableFuture::isDone), "nothing served yet");
    executor.runAll();
    for (int i = 0; i < futures.size(); i++) {
      assertEquals(i + 1, futures.get(i).join().header().revision());
      assertEquals(i + 1, servedOrder.get(i));
    }
    assertEquals(100, metrics.requestLatency().get(Operation.RANGE).count());
  }

  @Test
  void aFailingReadFailsOnlyItsOwnFuture() {
    StepExecutor executor = new StepExecutor();
    LocalReads reads = new LocalReads(executor, new NodeMetrics("t", CLOCK, () -> 0), 16);
    IllegalStateException boom = new IllegalStateException("compacted");
    CompletableFuture<GetResponse> bad =
        reads.submit(
            () -> {
              throw boom;
            });
    CompletableFuture<GetResponse> good = reads.submit(() -> response(7));
    executor.runAll();
    CompletionException e = assertThrows(CompletionException.class, bad::join);
    assertSame(boom, e.getCause());
    assertEquals(7, good.join().header().revision());
  }

  @Test
  void aFullQueueRefusesAtOnceWithATypedErrorAndLosesNothingQueued() {
    StepExecutor executor = new StepExecutor();
    LocalReads reads = new LocalReads(executor, new NodeMetrics("t", CLOCK, () -> 0), 4);
    List<CompletableFuture<GetResponse>> accepted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long revision = i;
      accepted.add(reads.submit(() -> response(revision)));
    }
    CompletableFuture<GetResponse> refused = reads.submit(() -> response(99));
    assertTrue(refused.isCompletedExceptionally());
    CompletionException e = assertThrows(CompletionException.class, refused::join);
    RequestTimeoutException timeout = assertInstanceOf(RequestTimeoutException.class, e.getCause());
    assertEquals(Duration.ZERO, timeout.timeout());
    executor.runAll();
    for (int i = 0; i < 4; i++) {
      assertEquals(i, accepted.get(i).join().header().revision());
    }
    CompletableFuture<GetResponse> afterDrain = reads.submit(() -> response(5));
    assertFalse(afterDrain.isDone(), "room again after a drain: queued, not refused");
    executor.runAll();
    assertEquals(5, afterDrain.join().header().revision());
  }

  @Test
  void aCallbackBlockingOnAnotherSerializableReadIsNotStarvedByItsOwnDrain() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      LocalReads reads = new LocalReads(pool, new NodeMetrics("t", CLOCK, () -> 0), 64);
      Supplier<GetResponse> read = () -> response(1);
      CompletableFuture<Long> nested =
          reads
              .submit(read)
              .thenApply(first -> reads.submit(() -> response(2)).join().header().revision());
      assertEquals(2L, nested.get(30, TimeUnit.SECONDS));
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anIdleQueueSchedulesNothing() {
    StepExecutor executor = new StepExecutor();
    LocalReads reads = new LocalReads(executor, new NodeMetrics("t", CLOCK, () -> 0), 8);
    CompletableFuture<GetResponse> f = reads.submit(() -> response(1));
    executor.runAll();
    assertTrue(f.isDone());
    assertTrue(executor.tasks.isEmpty(), "no drain left scheduled once the queue is empty");
  }

  @Test
  void aPointReadIsServedOnTheCallingThreadWithoutTheExecutor() {
    StepExecutor executor = new StepExecutor();
    NodeMetrics metrics = new NodeMetrics("t", CLOCK, () -> 0);
    LocalReads reads = new LocalReads(executor, metrics, 4);
    Thread caller = Thread.currentThread();
    Thread[] servedOn = new Thread[1];
    CompletableFuture<GetResponse> f =
        reads.serveHere(
            () -> {
              servedOn[0] = Thread.currentThread();
              return response(3);
            });
    assertTrue(f.isDone(), "complete on return");
    assertSame(caller, servedOn[0]);
    assertEquals(3, f.join().header().revision());
    assertTrue(executor.tasks.isEmpty(), "nothing handed to the executor");
    assertEquals(1, metrics.requestLatency().get(Operation.RANGE).count());
  }

  @Test
  void aFailingPointReadReturnsAFailedFutureAndCountsAsFailed() {
    LocalReads reads = new LocalReads(new StepExecutor(), new NodeMetrics("t", CLOCK, () -> 0), 4);
    IllegalStateException boom = new IllegalStateException("compacted");
    CompletableFuture<GetResponse> f =
        reads.serveHere(
            () -> {
              throw boom;
            });
    assertTrue(f.isCompletedExceptionally());
    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertSame(boom, e.getCause());
  }
}
