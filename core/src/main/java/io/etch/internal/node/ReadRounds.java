package io.etch.internal.node;

import io.etch.RequestTimeoutException;
import io.etch.raft.ProposalDroppedException;
import io.etch.raft.read.ReadState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The linearizable reads of one member, from their arrival on the raft owner thread until Raft
 * confirms a read index for them (the applier then answers each once it has applied that index).
 *
 * <h2>Rounds</h2>
 *
 * Reads that arrived since the last read-index request share the next one (a round); its context is
 * this member's id and a counter, unique in the cluster, and the {@link ReadState} Raft returns
 * with the same context confirms the round's reads. A round costs the leader a heartbeat to every
 * follower and their answers, whatever it carries. So at most {@code maxOutstanding} rounds are
 * outstanding at once, and reads arriving meanwhile wait for the next: under load each round then
 * carries many reads. With no cap the owner sent one per duty cycle while reads kept arriving, and
 * at 64 linearizable gets in flight on 3 members the transport threads became the largest CPU
 * consumer. etcd's server keeps one round outstanding; two let a round form while the other is out.
 *
 * <h2>Failures</h2>
 *
 * A request Raft drops (no leader known) is asked again on the next tick. A round unanswered after
 * {@code retryTicks} (its request or answer was lost, e.g. in a leader change) is given up: its
 * reads go back to the unsent ones and are asked again under a new context, and a late answer to
 * the old context confirms nothing. Every read still waiting at its deadline fails with {@link
 * RequestTimeoutException} through the callback executor.
 *
 * <p>Raft owner thread only.
 */
final class ReadRounds {
  /** Asks Raft for a read index under a context; the owner passes {@code RawNode::readIndex}. */
  @FunctionalInterface
  interface ReadIndexRequests {
    void readIndex(byte[] context);
  }

  private static final class Round {
    final List<PendingRead> reads;
    final long issuedAtTick;

    Round(List<PendingRead> reads, long issuedAtTick) {
      this.reads = reads;
      this.issuedAtTick = issuedAtTick;
    }
  }

  private final long memberId;
  private final int maxOutstanding;
  private final int retryTicks;
  private final PendingRegistry pending;
  private final Executor callbacks;
  private final Duration requestTimeout;

  private ArrayList<PendingRead> unsent = new ArrayList<>();
  private final Long2ObjectHashMap<Round> outstanding = new Long2ObjectHashMap<>();
  private long counter;
  private long retryAtTick;

  ReadRounds(
      long memberId,
      int maxOutstanding,
      int retryTicks,
      PendingRegistry pending,
      Executor callbacks,
      Duration requestTimeout) {
    if (maxOutstanding < 1 || retryTicks < 1) {
      throw new IllegalArgumentException(
          "maxOutstanding "
              + maxOutstanding
              + " and retryTicks "
              + retryTicks
              + " must be at least 1");
    }
    this.memberId = memberId;
    this.maxOutstanding = maxOutstanding;
    this.retryTicks = retryTicks;
    this.pending = pending;
    this.callbacks = callbacks;
    this.requestTimeout = requestTimeout;
  }

  /** A read arrived; it goes out with the next round. */
  void add(PendingRead read) {
    unsent.add(read);
  }

  /**
   * Sends a round for the unsent reads when there are any, fewer than {@code maxOutstanding} rounds
   * are out, and no dropped request is waiting for the next tick.
   *
   * @return whether it asked Raft
   */
  boolean issue(long ticks, ReadIndexRequests raft) {
    if (unsent.isEmpty() || ticks < retryAtTick || outstanding.size() >= maxOutstanding) {
      return false;
    }
    long next = counter + 1;
    byte[] context = ByteBuffer.allocate(16).putLong(memberId).putLong(next).array();
    try {
      raft.readIndex(context);
    } catch (ProposalDroppedException e) {
      retryAtTick = ticks + 1;
      return true;
    }
    counter = next;
    outstanding.put(next, new Round(unsent, ticks));
    unsent = new ArrayList<>();
    return true;
  }

  /** The reads {@code state} confirms, or null when it answers no outstanding round of ours. */
  List<PendingRead> confirmed(ReadState state) {
    Round round = outstanding.remove(counterOf(state.requestContext()));
    return round == null ? null : round.reads;
  }

  /** On a tick: gives up rounds unanswered for {@code retryTicks}, fails overdue reads. */
  void onTick(long ticks, long nowNs) {
    Iterator<Round> rounds = outstanding.values().iterator();
    while (rounds.hasNext()) {
      Round round = rounds.next();
      if (ticks - round.issuedAtTick >= retryTicks) {
        // the request or its answer was lost (a leader change): ask again under a new context
        rounds.remove();
        unsent.addAll(round.reads);
      } else {
        timeOut(round.reads, nowNs);
      }
    }
    timeOut(unsent, nowNs);
  }

  /** Rounds sent and not yet answered. */
  int outstanding() {
    return outstanding.size();
  }

  /** Reads waiting for the next round. */
  int unsent() {
    return unsent.size();
  }

  private void timeOut(List<PendingRead> reads, long nowNs) {
    Iterator<PendingRead> it = reads.iterator();
    while (it.hasNext()) {
      PendingRead r = it.next();
      if (r.isDone()) {
        it.remove();
      } else if (nowNs - r.deadlineNs >= 0) {
        it.remove();
        pending.remove(r);
        r.fail(new RequestTimeoutException(r.operation, requestTimeout), callbacks);
      }
    }
  }

  private long counterOf(byte[] context) {
    if (context.length != 16) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(context);
    return b.getLong() == memberId ? b.getLong() : 0;
  }
}
