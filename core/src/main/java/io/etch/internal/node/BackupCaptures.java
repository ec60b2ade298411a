package io.etch.internal.node;

import io.etch.NodeClosedException;
import io.etch.internal.backup.BackupPoint;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * Requests for a consistent backup point, answered by the applier between two entries (so the view
 * and the replicated state beside it are of the same applied index). Bounded: when {@link
 * #MAX_WAITING} requests wait, more are refused. Requests still waiting when the applier stops fail
 * with {@link NodeClosedException}.
 */
final class BackupCaptures {
  static final int MAX_WAITING = 64;

  private final String memberName;
  private final ManyToOneConcurrentArrayQueue<CompletableFuture<BackupPoint>> waiting =
      new ManyToOneConcurrentArrayQueue<>(MAX_WAITING);
  private final Supplier<BackupPoint> capture;
  private volatile boolean closed;

  /** {@code capture} takes the point; called on the applier thread only. */
  BackupCaptures(String memberName, Supplier<BackupPoint> capture) {
    this.memberName = memberName;
    this.capture = capture;
  }

  /**
   * Any thread: queues a request; false when {@link #MAX_WAITING} wait already. The future
   * completes on the applier thread: callers must continue asynchronously.
   */
  boolean offer(CompletableFuture<BackupPoint> point) {
    if (!waiting.offer(point)) {
      return false;
    }
    if (closed) {
      failWaiting(); // close() may have drained before this request was queued
    }
    return true;
  }

  /** Applier thread: answers every waiting request with one captured point. */
  int answer() {
    if (waiting.isEmpty()) {
      return 0;
    }
    BackupPoint point = capture.get();
    return waiting.drain(f -> f.complete(point));
  }

  /** The applier stopped: fails what waits, and everything offered from now on. */
  void close() {
    closed = true;
    failWaiting();
  }

  private void failWaiting() {
    waiting.drain(f -> f.completeExceptionally(new NodeClosedException(memberName)));
  }
}
