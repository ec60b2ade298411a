package io.etch.internal.node;

import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of one flush of the applier's write batch, completed in log order by one task on the
 * callback executor.
 *
 * <h2>Why</h2>
 *
 * A put's future used to be completed by a task of its own: at 64 or 512 puts in flight the applier
 * queued one executor task (a lambda and a queue node, and often a wake-up of a callback thread)
 * per put. The answers of one flush are all released at the same moment anyway (the writes became
 * visible together), so they go to the executor together: one task per flush (per {@value
 * #MAX_ANSWERS} answers), which completes the futures one after the other. The contract is
 * unchanged: user callbacks run on the callback executor, never on the applier thread, in log order
 * within a task. What changes is that the callbacks of one task run in sequence on one executor
 * thread instead of being spread over the executor's threads.
 *
 * <p>Each pending request is claimed ({@link Pending#claimAnswer}) on the applier thread before it
 * is added, so a timeout or close racing with the answer still completes it exactly once.
 */
final class CompletionBatch implements Runnable {
  /** Most answers one task completes: a bound on how long one task keeps a callback thread. */
  static final int MAX_ANSWERS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(CompletionBatch.class);

  private final PendingProposal[] proposals;
  private final Object[] responses;
  private final RuntimeException[] errors;
  private int size;

  CompletionBatch(int capacity) {
    if (capacity <= 0 || capacity > MAX_ANSWERS) {
      throw new IllegalArgumentException(
          "capacity must be in [1, " + MAX_ANSWERS + "], got " + capacity);
    }
    this.proposals = new PendingProposal[capacity];
    this.responses = new Object[capacity];
    this.errors = new RuntimeException[capacity];
  }

  /** Adds a claimed proposal with its response, or its error when {@code error != null}. */
  void add(PendingProposal proposal, Object response, RuntimeException error) {
    if (size == proposals.length) {
      throw new IllegalStateException("completion batch full at " + size + " answers");
    }
    proposals[size] = proposal;
    responses[size] = response;
    errors[size] = error;
    size++;
  }

  boolean isFull() {
    return size == proposals.length;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Runs this batch on {@code executor} (here if it is shutting down with the node). */
  void submit(Executor executor) {
    CallbackTasks.submit(executor, this);
  }

  @Override
  public void run() {
    for (int i = 0; i < size; i++) {
      try {
        if (errors[i] == null) {
          proposals[i].completeClaimed(responses[i]);
        } else {
          proposals[i].failClaimed(errors[i]);
        }
      } catch (RuntimeException e) {
        // a dependent stage of a caller's future threw: the next callers still get their answers
        LOG.warn("a callback of request {} threw", proposals[i].operation, e);
      }
    }
  }
}
