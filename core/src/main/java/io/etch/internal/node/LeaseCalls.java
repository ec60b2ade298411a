package io.etch.internal.node;

import io.etch.DecodingException;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.NoLeaderException;
import io.etch.NodeClosedException;
import io.etch.RequestTimeoutException;
import io.etch.transport.ForwardRefusedException;
import io.etch.transport.ForwardStatus;
import io.etch.transport.PeerTransport;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keep-alives and time-to-live calls routed to the leader's lessor, on the applier thread.
 *
 * <p>A call asks wherever the leader is now: this member's own lessor when it leads, else the
 * leader over {@link PeerTransport#forward}. When there is no leader, the leader's lessor is not
 * promoted yet (NOT_LEADER), or the forward fails (peer unavailable, timeout, busy), it asks again
 * after {@code retryNs} — at the then-current leader, so a call follows a leader change — until its
 * deadline, then fails with {@link NoLeaderException} (no leader known) or {@link
 * RequestTimeoutException}.
 *
 * <p>Answers of forwards arrive on transport threads; they are queued back to the applier thread
 * ({@link #completions}, bounded by the transport's in-flight limit per peer).
 */
final class LeaseCalls {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseCalls.class);

  private final LeaseDriver driver;
  private final NodeState state;
  private final long memberId;
  private final long retryNs;
  private final int maxKeyBytes;
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final Set<Call> active = Collections.newSetFromMap(new IdentityHashMap<>());
  private final LeaseCallFlyweight answers = new LeaseCallFlyweight();
  private PeerTransport transport;

  /** One call in progress; {@code done} gets the answer or the error, once, on the applier. */
  private final class Call {
    final String operation;
    final int kind;
    final long leaseId;
    final boolean withKeys;
    final long startNs;
    final long deadlineNs;
    final BiConsumer<LeaseCallFlyweight.Answer, RuntimeException> done;
    boolean finished;

    Call(
        String operation,
        int kind,
        long leaseId,
        boolean withKeys,
        long startNs,
        long deadlineNs,
        BiConsumer<LeaseCallFlyweight.Answer, RuntimeException> done) {
      this.operation = operation;
      this.kind = kind;
      this.leaseId = leaseId;
      this.withKeys = withKeys;
      this.startNs = startNs;
      this.deadlineNs = deadlineNs;
      this.done = done;
    }

    void finish(LeaseCallFlyweight.Answer answer, RuntimeException error) {
      if (!finished) {
        finished = true;
        active.remove(this);
        done.accept(answer, error);
      }
    }
  }

  LeaseCalls(LeaseDriver driver, NodeState state, long memberId, long retryNs, int maxKeyBytes) {
    this.driver = driver;
    this.state = state;
    this.memberId = memberId;
    this.retryNs = retryNs;
    this.maxKeyBytes = maxKeyBytes;
  }

  /** Set once, before the node's threads start. */
  void transport(PeerTransport transport) {
    this.transport = transport;
  }

  /** Applier thread: answers of forwards that arrived meanwhile. */
  int doWork() {
    int work = 0;
    for (Runnable r; (r = completions.poll()) != null; ) {
      r.run();
      work++;
    }
    return work;
  }

  /** Applier thread: starts a call that gives up at {@code deadlineNs} of the injected clock. */
  void call(
      String operation,
      int kind,
      long leaseId,
      boolean withKeys,
      long deadlineNs,
      BiConsumer<LeaseCallFlyweight.Answer, RuntimeException> done) {
    Call c =
        new Call(operation, kind, leaseId, withKeys, driver.clock().nanoTime(), deadlineNs, done);
    active.add(c);
    attempt(c);
  }

  private void attempt(Call c) {
    if (c.finished) {
      return;
    }
    long leaderRaftId = state.leaderId;
    if (leaderRaftId == 0) {
      retry(c);
      return;
    }
    if (state.leaderMemberId() == memberId) {
      answered(c, driver.answer(c.kind, c.leaseId, c.withKeys));
      return;
    }
    transport
        .forward(leaderRaftId, c.kind, LeaseCallFlyweight.request(c.leaseId, c.withKeys))
        .whenComplete((bytes, error) -> completions.add(() -> forwarded(c, bytes, error)));
  }

  private void forwarded(Call c, byte[] bytes, Throwable error) {
    if (c.finished) {
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      if (cause instanceof ForwardRefusedException refused
          && refused.status() == ForwardStatus.TOO_LARGE) {
        c.finish(
            null,
            new InvalidArgumentException(
                "withKeys", "the lease's keys do not fit in one answer; ask without keys"));
        return;
      }
      LOG.debug(
          "lease call {} of {} will be retried: {}", c.operation, c.leaseId, cause.toString());
      retry(c);
      return;
    }
    LeaseCallFlyweight.Answer answer;
    try {
      answer = answers.wrap(bytes).answer(maxKeyBytes);
    } catch (DecodingException e) {
      LOG.warn("malformed answer to lease call {}: {}", c.operation, e.getMessage());
      retry(c);
      return;
    }
    answered(c, answer);
  }

  private void answered(Call c, LeaseCallFlyweight.Answer answer) {
    if (answer.status() == LeaseCallDescriptor.STATUS_NOT_LEADER) {
      retry(c);
    } else {
      c.finish(answer, null);
    }
  }

  private void retry(Call c) {
    long now = driver.clock().nanoTime();
    if (now + retryNs - c.deadlineNs >= 0) {
      EtchException error =
          state.leaderId == 0
              ? new NoLeaderException(memberId)
              : new RequestTimeoutException(
                  c.operation, Duration.ofNanos(c.deadlineNs - c.startNs));
      c.finish(null, error);
      return;
    }
    driver.schedule(
        now + retryNs,
        new LeaseDriver.Task() {
          @Override
          public void run() {
            attempt(c);
          }

          @Override
          public void abort(RuntimeException error) {
            c.finish(null, error);
          }
        });
  }

  /** After the applier thread stopped: every call still running fails with {@code error}. */
  void close(NodeClosedException error) {
    for (Call c : List.copyOf(active)) {
      c.finish(null, error);
    }
  }
}
