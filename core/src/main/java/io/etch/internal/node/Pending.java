package io.etch.internal.node;

import io.etch.internal.metrics.NodeMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request a user is waiting for. Several threads may try to finish it (the applier with its
 * result, the owner thread on a timeout, close with {@code NodeClosedException}); {@link #claim()}
 * lets exactly one win, and the winner completes the future on the callback executor, never on an
 * internal thread.
 */
abstract class Pending<R> {
  final CompletableFuture<R> future = new CompletableFuture<>();
  final String operation;
  final long deadlineNs;
  private final long startNs;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final NodeMetrics metrics;

  Pending(String operation, long deadlineNs, NodeMetrics metrics) {
    this.metrics = metrics;
    this.startNs = metrics.nowNs();
    this.operation = operation;
    this.deadlineNs = deadlineNs;
  }

  final boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  final boolean isDone() {
    return claimed.get();
  }

  final void succeed(R result, Executor executor) {
    if (claim()) {
      metrics.requestDone(operation, startNs, false);
      CallbackTasks.submit(executor, () -> future.complete(result));
    }
  }

  final void fail(RuntimeException error, Executor executor) {
    if (claim()) {
      metrics.requestDone(operation, startNs, true);
      CallbackTasks.submit(executor, () -> future.completeExceptionally(error));
    }
  }

  /**
   * Claims it to be answered by a {@link CompletionBatch} (the applier's batch of answers) and
   * records its metrics: true when this caller won, and must then hand it to a task on the callback
   * executor that calls {@link #completeClaimed} or {@link #failClaimed}.
   */
  final boolean claimAnswer(boolean failed) {
    if (!claim()) {
      return false;
    }
    metrics.requestDone(operation, startNs, failed);
    return true;
  }

  /** Completes a future {@link #claimAnswer} claimed; on the callback executor only. */
  final void completeClaimed(R result) {
    future.complete(result);
  }

  /** Fails a future {@link #claimAnswer} claimed; on the callback executor only. */
  final void failClaimed(RuntimeException error) {
    future.completeExceptionally(error);
  }

  /**
   * Computes the result here (the caller is already on the callback executor) and completes the
   * future with it, or with the typed error it throws.
   */
  final void completeHere(java.util.function.Supplier<R> result) {
    if (!claim()) {
      return;
    }
    try {
      R r = result.get();
      metrics.requestDone(operation, startNs, false);
      future.complete(r);
    } catch (RuntimeException e) {
      metrics.requestDone(operation, startNs, true);
      // typed EtchExceptions for operating errors; anything else is a bug, still reported
      future.completeExceptionally(e);
    }
  }
}
