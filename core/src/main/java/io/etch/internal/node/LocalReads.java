package io.etch.internal.node;

import io.etch.RequestTimeoutException;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.kv.GetResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * Serves serializable reads: point reads on the calling thread, ranges on the callback executor in
 * batches.
 *
 * <p>A serializable read needs no Raft round: it reads this member's newest applied view, which any
 * thread may read. A point read (one key) costs a tree descent and a copy of one value, bounded by
 * the value size limit, so {@link #serveHere} serves it on the calling thread and returns a
 * completed future: no queue, no hand-over, and nothing for a caller to wait on. Its dependent
 * stages then run on the caller's thread, as with any completed future; never on a node thread.
 *
 * <p>A range read may touch any number of keys, so it does not run on the caller's thread (the API
 * says calls return at once). What it costs is then mostly the hand-over to the callback executor,
 * where the API says futures complete. Handing each read over as its own task costs one executor
 * submission (a lock, a wake-up, an allocation) per read; here readers append to a bounded
 * many-to-one queue and the first reader to find no drain scheduled submits one task that takes up
 * to {@code MAX_BATCH} queued reads, schedules the next drain if more are queued, and serves the
 * ones it took. Under load one submission serves many reads; an idle member pays one submission per
 * read, as before.
 *
 * <p>The queue is bounded ({@code capacity}); a read offered to a full queue fails at once with
 * {@link RequestTimeoutException} (zero wait), as a request offered to a full owner queue does, so
 * the member's memory stays bounded however fast callers submit.
 */
final class LocalReads {
  private static final int MAX_BATCH = 256;
  private final Executor callbacks;
  private final NodeMetrics metrics;
  private final ManyToOneConcurrentArrayQueue<Queued> queue;
  private final AtomicBoolean scheduled = new AtomicBoolean();

  LocalReads(Executor callbacks, NodeMetrics metrics, int capacity) {
    this.callbacks = callbacks;
    this.metrics = metrics;
    this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
  }

  /**
   * Serves {@code read} on the calling thread: the returned future is already complete. For reads
   * of bounded cost only (one key). Any thread.
   */
  CompletableFuture<GetResponse> serveHere(Supplier<GetResponse> read) {
    long startNs = metrics.nowNs();
    GetResponse response;
    try {
      response = read.get();
    } catch (RuntimeException e) {
      metrics.requestDone("get", startNs, true);
      return CompletableFuture.failedFuture(e);
    }
    metrics.requestDone("get", startNs, false);
    return CompletableFuture.completedFuture(response);
  }

  /** Queues {@code read}; its future completes on the callback executor. Any thread. */
  CompletableFuture<GetResponse> submit(Supplier<GetResponse> read) {
    Queued q = new Queued(read, metrics.nowNs());
    if (!queue.offer(q)) {
      return CompletableFuture.failedFuture(new RequestTimeoutException("get", Duration.ZERO));
    }
    schedule();
    return q.future;
  }

  private void schedule() {
    if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
      CallbackTasks.submit(callbacks, this::drain);
    }
  }

  private void drain() {
    ArrayList<Queued> batch = new ArrayList<>();
    queue.drain(batch::add, MAX_BATCH);
    // Release the drain before serving: a callback that blocks on another serializable read then
    // gets it served by a further drain task instead of waiting for itself.
    scheduled.set(false);
    schedule();
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).run();
    }
  }

  private final class Queued {
    final Supplier<GetResponse> read;
    final long startNs;
    final CompletableFuture<GetResponse> future = new CompletableFuture<>();

    Queued(Supplier<GetResponse> read, long startNs) {
      this.read = read;
      this.startNs = startNs;
    }

    void run() {
      GetResponse response;
      try {
        response = read.get();
      } catch (RuntimeException e) {
        metrics.requestDone("get", startNs, true);
        future.completeExceptionally(e);
        return;
      }
      metrics.requestDone("get", startNs, false);
      future.complete(response);
    }
  }
}
