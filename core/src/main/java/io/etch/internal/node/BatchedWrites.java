package io.etch.internal.node;

import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The store writes of consecutive committed entries, applied through one {@link WriteBatch} and
 * made visible together.
 *
 * <h2>Why</h2>
 *
 * Each member applies every put, so on a small machine the appliers are a large share of the CPU,
 * and a put made alone copies its whole tree path and publishes a view. Nothing can observe the
 * store between two entries of one {@link ApplyBatch} if their effects are released only after the
 * last of them: so the applier makes the puts, deletes and txns of consecutive entries in one write
 * batch (each entry still gets its own revision and events) and, on {@link #flush()}, publishes the
 * batch's view, then hands the watch hub each entry's events in revision order, then completes the
 * callers' futures in log order (one callback-executor task per flush: {@link CompletionBatch}),
 * then advances the applied index. That is the order a write made alone has too (view, events,
 * caller, applied index), per entry.
 *
 * <h2>When it flushes</h2>
 *
 * At the end of every applier duty cycle (after the {@link ApplyBatch}es it drained), after {@value
 * #MAX_WRITES} entries, and before any entry that reads the store directly or outside a batch (the
 * applier calls {@link #flush()} before compactions, txns naming a lease, lease and membership
 * entries, alarms and snapshot installs), so those see every earlier entry.
 *
 * <p>Applier thread only.
 */
final class BatchedWrites {
  /** Most entries whose effects wait for one flush. */
  static final int MAX_WRITES = 4096;

  private final StoreHolder stores;
  private final HubHolder hubs;
  private final NodeState state;
  private final Executor callbacks;
  private WriteBatch batch;
  private final List<List<Event>> events = new ArrayList<>();
  private PendingProposal[] proposals = new PendingProposal[64];
  private Object[] responses = new Object[64];
  private RuntimeException[] errors = new RuntimeException[64];
  private int completions;
  private int entries;
  private long appliedIndex = -1;

  BatchedWrites(StoreHolder stores, HubHolder hubs, NodeState state, Executor callbacks) {
    this.stores = stores;
    this.hubs = hubs;
    this.state = state;
    this.callbacks = callbacks;
  }

  /** The open write batch, opened on the current store if there is none. */
  WriteBatch batch() {
    if (batch == null) {
      batch = stores.store().batch();
    }
    return batch;
  }

  /** Hands {@code written} (one entry's events, at one revision) to the watch hub in order. */
  void published(List<Event> written) {
    if (written.isEmpty()) {
      return;
    }
    if (batch == null) {
      hubs.hub().onApplied(written.get(0).revision().main(), written);
    } else {
      events.add(written);
    }
  }

  /** Completes a proposal with its response or error, after the batch's flush if one is open. */
  void complete(PendingProposal proposal, Object response, RuntimeException error) {
    if (batch == null) {
      completeNow(proposal, response, error);
      return;
    }
    if (completions == proposals.length) {
      proposals = Arrays.copyOf(proposals, 2 * completions);
      responses = Arrays.copyOf(responses, 2 * completions);
      errors = Arrays.copyOf(errors, 2 * completions);
    }
    proposals[completions] = proposal;
    responses[completions] = response;
    errors[completions] = error;
    completions++;
  }

  /** The entry at {@code index} is applied: visible now, or at the batch's flush. */
  void applied(long index) {
    if (batch == null) {
      state.appliedIndex = index;
      return;
    }
    appliedIndex = index;
    if (++entries >= MAX_WRITES) {
      flush();
    }
  }

  /** Publishes the open batch and releases everything that waited for it (nothing if none). */
  void flush() {
    if (batch == null) {
      return;
    }
    WriteBatch done = batch;
    batch = null;
    done.commit();
    for (int i = 0, n = events.size(); i < n; i++) {
      List<Event> written = events.get(i);
      hubs.hub().onApplied(written.get(0).revision().main(), written);
    }
    events.clear();
    answer();
    entries = 0;
    if (appliedIndex >= 0) {
      state.appliedIndex = appliedIndex;
      appliedIndex = -1;
    }
  }

  /**
   * Claims the waiting proposals and hands their answers to the callback executor in tasks of up to
   * {@link CompletionBatch#MAX_ANSWERS} ({@link CompletionBatch}), in log order.
   */
  private void answer() {
    CompletionBatch answers = null;
    for (int i = 0; i < completions; i++) {
      PendingProposal proposal = proposals[i];
      RuntimeException error = errors[i];
      if (proposal.claimAnswer(error != null)) {
        if (answers == null) {
          answers = new CompletionBatch(Math.min(completions - i, CompletionBatch.MAX_ANSWERS));
        }
        answers.add(proposal, responses[i], error);
        if (answers.isFull()) {
          answers.submit(callbacks);
          answers = null;
        }
      }
      proposals[i] = null;
      responses[i] = null;
      errors[i] = null;
    }
    if (answers != null && !answers.isEmpty()) {
      answers.submit(callbacks);
    }
    completions = 0;
  }

  private void completeNow(PendingProposal proposal, Object response, RuntimeException error) {
    if (error == null) {
      proposal.succeed(response, callbacks);
    } else {
      proposal.fail(error, callbacks);
    }
  }
}
