package io.etch.internal.node;

import java.util.function.Consumer;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The batches the raft owner thread hands the applier, bounded in batches and in entry bytes.
 *
 * <p>A {@code Ready} carries at most 64 MiB of committed entries, and in steady state the applier
 * keeps up, so the queue holds a few small batches. But when the owner produces committed entries
 * faster than they apply (the replay of a long log tail at restart, a follower catching up), a
 * bound in batches alone would let it queue {@code maxBatches} of those, all on the heap at once.
 * So a batch is refused while the queue is not empty and the bytes of the entries already queued
 * have reached {@code maxBytes}; the owner then keeps its {@code Ready} and offers again, as when
 * the queue is full, and Raft keeps stepping meanwhile. A batch is always accepted into an empty
 * queue, whatever its size, so the bound never stalls the applier.
 *
 * <p>One producer (the owner thread) and one consumer (the applier thread). The queued bytes are
 * the owner's count of bytes offered minus the applier's count of bytes taken, each written by one
 * thread only.
 */
final class ApplyQueue {
  private final OneToOneConcurrentArrayQueue<ApplyBatch> queue;
  private final long maxBytes;

  /** Owner thread only. */
  private long offeredBytes;

  /** Written by the applier thread only, read by the owner. */
  private volatile long takenBytes;

  ApplyQueue(int maxBatches, long maxBytes) {
    if (maxBatches < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "an apply queue needs room: maxBatches " + maxBatches + ", maxBytes " + maxBytes);
    }
    this.queue = new OneToOneConcurrentArrayQueue<>(maxBatches);
    this.maxBytes = maxBytes;
  }

  /** Owner thread: false when the queue is full in batches or in bytes. */
  boolean offer(ApplyBatch batch) {
    if (!queue.isEmpty() && offeredBytes - takenBytes >= maxBytes) {
      return false;
    }
    if (!queue.offer(batch)) {
      return false;
    }
    offeredBytes += batch.entryBytes();
    return true;
  }

  /** Applier thread: hands at most {@code limit} batches to {@code apply}, in order. */
  int drain(Consumer<ApplyBatch> apply, int limit) {
    int drained = 0;
    long taken = takenBytes;
    for (ApplyBatch batch; drained < limit && (batch = queue.poll()) != null; drained++) {
      apply.accept(batch);
      taken += batch.entryBytes();
      takenBytes = taken;
    }
    return drained;
  }

  /** Entry bytes queued and not yet applied (approximate from another thread than the owner's). */
  long queuedBytes() {
    return offeredBytes - takenBytes;
  }
}
