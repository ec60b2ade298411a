package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.Clock;
import io.etch.CompactedException;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.kv.GetResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ConfirmedReadsTest {
  private final NodeMetrics metrics = new NodeMetrics("m", Clock.system(), () -> 0);
  private final PendingRegistry pending = new PendingRegistry();

  private List<PendingRead> reads(int n) {
    List<PendingRead> reads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PendingRead r = new PendingRead(() -> (GetResponse) null, Long.MAX_VALUE, metrics);
      pending.add(r);
      reads.add(r);
    }
    return reads;
  }

  @Test
  void oneTaskPerSixtyFourReadsAnswersEveryRead() {
    StepExecutor executor = new StepExecutor();
    List<PendingRead> reads = reads(150);
    assertEquals(150, ConfirmedReads.answer(reads, pending, executor));
    assertEquals(3, executor.tasks.size(), "64 + 64 + 22");
    assertEquals(0, pending.size(), "taken out of the registry at once");
    assertFalse(reads.get(0).isDone(), "answered on the executor, not here");
    executor.runAll();
    for (PendingRead r : reads) {
      assertTrue(r.future.isDone());
    }
  }

  @Test
  void aReadThatFailsFailsAloneAndTheOthersAreAnswered() {
    StepExecutor executor = new StepExecutor();
    List<PendingRead> reads = reads(2);
    PendingRead failing =
        new PendingRead(
            () -> {
              throw new CompactedException(10, 5);
            },
            Long.MAX_VALUE,
            metrics);
    reads.add(0, failing);
    ConfirmedReads.answer(reads, pending, executor);
    executor.runAll();
    CompletionException e = assertThrows(CompletionException.class, failing.future::join);
    assertInstanceOf(CompactedException.class, e.getCause());
    assertTrue(reads.get(1).future.isDone() && !reads.get(1).future.isCompletedExceptionally());
    assertTrue(reads.get(2).future.isDone() && !reads.get(2).future.isCompletedExceptionally());
  }

  @Test
  void aShutDownExecutorLeavesTheAnswerToTheCaller() {
    List<PendingRead> reads = reads(3);
    ConfirmedReads.answer(
        reads,
        pending,
        task -> {
          throw new RejectedExecutionException("shut down");
        });
    for (PendingRead r : reads) {
      assertTrue(r.future.isDone());
    }
  }
}
