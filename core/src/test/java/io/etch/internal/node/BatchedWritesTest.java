package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.Clock;
import io.etch.RequestTimeoutException;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.internal.watch.WatchHub;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers of a write batch: released only at the flush, in log order, by one task on the
 * callback executor per {@link CompletionBatch#MAX_ANSWERS} answers, never on the flushing thread;
 * each request completed exactly once even when a timeout claimed it first.
 */
class BatchedWritesTest {
  private static final Clock CLOCK = Clock.system();

  private final NodeMetrics metrics = new NodeMetrics("t", CLOCK, () -> 0);
  private final StepExecutor callbacks = new StepExecutor();
  private StoreHolder stores;
  private WatchHub hub;
  private NodeState state;

  @BeforeEach
  void setUp() {
    stores = new StoreHolder(MvccStore.create(MvccConfig.builder().build()));
    hub =
        WatchHub.builder()
            .memberName("t")
            .ids(1, 1)
            .views(stores::view)
            .callbackExecutor(callbacks)
            .build();
    state = new NodeState(new RaftIds(), metrics);
  }

  @AfterEach
  void tearDown() {
    hub.close();
  }

  private PendingProposal proposal(long requestId) {
    return new PendingProposal("put", requestId, new byte[0], Long.MAX_VALUE, metrics);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void answersWaitForTheFlushAndGoOutInOneTaskInLogOrder() {
    BatchedWrites writes = new BatchedWrites(stores, new HubHolder(hub), state, callbacks);
    List<Long> completed = new ArrayList<>();
    List<PendingProposal> proposals = new ArrayList<>();
    RuntimeException failure = new IllegalStateException("boom");
    PendingProposal timedOut = proposal(99);
    StepExecutor timeouts = new StepExecutor();
    timedOut.fail(new RequestTimeoutException("put", Duration.ofSeconds(1)), timeouts);
    for (long i = 1; i <= 10; i++) {
      writes.batch().put(PutRequest.of(bytes("k" + i), bytes("v" + i)));
      PendingProposal p = proposal(i);
      long id = i;
      p.future.whenComplete((r, e) -> completed.add(id));
      proposals.add(p);
      writes.complete(p, "r" + i, i == 4 ? failure : null);
      if (i == 5) {
        writes.complete(timedOut, "late", null); // the owner's timeout won: not answered again
      }
      writes.applied(i);
    }
    assertTrue(callbacks.tasks.isEmpty(), "nothing answered before the flush");
    assertEquals(0, state.appliedIndex);
    for (PendingProposal p : proposals) {
      assertFalse(p.future.isDone());
    }

    writes.flush();
    assertEquals(1, callbacks.tasks.size(), "one callback task for the flush");
    assertEquals(10, state.appliedIndex);
    assertEquals(10, stores.store().revision());
    assertFalse(proposals.get(0).future.isDone(), "completed on the executor, not the flusher");

    callbacks.runAll();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), completed);
    assertEquals("r1", proposals.get(0).future.join());
    CompletionException e =
        assertThrows(CompletionException.class, () -> proposals.get(3).future.join());
    assertSame(failure, e.getCause());
    timeouts.runAll();
    assertTrue(timedOut.future.isCompletedExceptionally(), "the timeout's answer stays");
  }

  @Test
  void manyAnswersAreSplitIntoBoundedTasks() {
    BatchedWrites writes = new BatchedWrites(stores, new HubHolder(hub), state, callbacks);
    int n = 2 * CompletionBatch.MAX_ANSWERS + 3;
    List<Long> completed = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      writes.batch().put(PutRequest.of(bytes("k" + i), bytes("v")));
      PendingProposal p = proposal(i);
      long id = i;
      p.future.whenComplete((r, e) -> completed.add(id));
      writes.complete(p, "r", null);
      writes.applied(i);
    }
    writes.flush();
    assertEquals(3, callbacks.tasks.size());
    callbacks.runAll();
    assertEquals(n, completed.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, completed.get(i), "log order");
    }
  }

  @Test
  void aRejectingExecutorStillAnswersEveryone() {
    Executor closed =
        r -> {
          throw new RejectedExecutionException("shut down");
        };
    BatchedWrites writes = new BatchedWrites(stores, new HubHolder(hub), state, closed);
    PendingProposal p = proposal(1);
    writes.batch().put(PutRequest.of(bytes("k"), bytes("v")));
    writes.complete(p, "r", null);
    writes.applied(1);
    writes.flush();
    assertEquals("r", p.future.getNow(null));
  }
}
