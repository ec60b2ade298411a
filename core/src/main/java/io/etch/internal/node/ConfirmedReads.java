package io.etch.internal.node;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Answers the linearizable reads of one confirmed round once the applier has applied its index: one
 * callback task per {@value #READS_PER_TASK} reads, each task running its reads against the store's
 * current view and completing their futures one after the other (as {@link CompletionBatch} does
 * for writes). A task per read, with its queue node and often a wake-up of a callback thread, was
 * most of the callback threads' CPU in a 3-member linearizable get. User callbacks still run on the
 * callback executor, never on the applier thread.
 */
final class ConfirmedReads {
  /** Most reads one task answers: a bound on how long one task keeps a callback thread. */
  static final int READS_PER_TASK = 64;

  private ConfirmedReads() {}

  /**
   * Takes {@code reads} out of {@code pending} and answers them on {@code callbacks} (here if it is
   * shutting down with the node, so none is lost).
   *
   * @return the number of reads answered
   */
  static int answer(List<PendingRead> reads, PendingRegistry pending, Executor callbacks) {
    for (int from = 0; from < reads.size(); from += READS_PER_TASK) {
      List<PendingRead> chunk = reads.subList(from, Math.min(reads.size(), from + READS_PER_TASK));
      for (PendingRead read : chunk) {
        pending.remove(read);
      }
      CallbackTasks.submit(
          callbacks,
          () -> {
            for (PendingRead read : chunk) {
              read.completeHere(read.read);
            }
          });
    }
    return reads.size();
  }
}
