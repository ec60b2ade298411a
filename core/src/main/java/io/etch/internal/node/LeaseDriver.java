package io.etch.internal.node;

import io.etch.Clock;
import io.etch.DecodingException;
import io.etch.LeaseNotFoundException;
import io.etch.internal.lease.LeaseRenewal;
import io.etch.internal.lease.LeaseTimeToLive;
import io.etch.internal.lease.Lessor;
import io.etch.internal.lease.NotPrimaryException;
import io.etch.internal.request.LeaseCheckpoint;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestHeader;
import io.etch.transport.ForwardReply;
import io.etch.transport.ForwardStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's lease duties and the lease work queue, run by the applier thread (the {@link
 * Lessor}'s only thread).
 *
 * <h2>Leadership</h2>
 *
 * The lessor is promoted once this member leads <em>and</em> has applied the empty entry its term
 * starts with — that is, every entry of earlier terms (etcd promotes at the same point). It is
 * demoted as soon as the published leader is another member or the term moved on. Followers'
 * lessors never expire anything.
 *
 * <h2>Expiry and checkpoints</h2>
 *
 * Every {@value #SCAN_INTERVAL_MS} ms of the injected clock, a promoted lessor hands out the leases
 * due ({@link Lessor#expired}, rate-limited to 1000 per second) and the node proposes one
 * LEASE_REVOKE per lease; with checkpointing on, it proposes the due checkpoints as one
 * LEASE_CHECKPOINT. Both are proposed only while this member's Raft core leads (never forwarded): a
 * deposed leader's stale clock can never revoke a lease another leader is keeping alive. A lost
 * proposal is handed out again by the lessor after its retry interval.
 *
 * <h2>Work queue and timers</h2>
 *
 * Other threads hand work to the applier thread through a bounded queue ({@link #submit}: user
 * calls, forwarded calls from followers, answers of forwarded calls); timers ({@link #schedule})
 * run on the injected clock, so keep-alives follow simulated time in tests.
 */
final class LeaseDriver {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseDriver.class);
  static final long SCAN_INTERVAL_MS = 50;
  private static final int MAX_TASKS_PER_CYCLE = 4096;
  private static final int MAX_REVOKES_PER_SCAN = 1000;
  private static final int MAX_CHECKPOINTS_PER_PROPOSAL = 1000;

  /** Work for the applier thread; {@link #abort} when the node closes before it ran. */
  interface Task {
    void run();

    default void abort(RuntimeException error) {}
  }

  /** Proposes internal requests (revokes, checkpoints) only while this member leads. */
  interface LeaderProposals {
    void proposeIfLeader(Function<RequestHeader, Request> factory);
  }

  private record Timer(long atNs, long seq, Task task) {}

  private final String memberName;
  private final long memberId;
  private final NodeState state;
  private final Lessor lessor;
  private final Clock clock;
  private final LeaderProposals proposals;
  private final ManyToOneConcurrentArrayQueue<Task> queue;
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) -> a.atNs != b.atNs ? Long.compare(a.atNs, b.atNs) : Long.compare(a.seq, b.seq));
  private final long scanIntervalNs = SCAN_INTERVAL_MS * 1_000_000L;
  private long timerSeq;
  private long leaderEntryTerm = -1;
  private long primaryTerm = -1;
  private long nextScanNs;
  private volatile boolean closed;

  LeaseDriver(
      String memberName,
      long memberId,
      NodeState state,
      Lessor lessor,
      Clock clock,
      LeaderProposals proposals,
      int queueCapacity) {
    this.memberName = memberName;
    this.memberId = memberId;
    this.state = state;
    this.lessor = lessor;
    this.clock = clock;
    this.proposals = proposals;
    this.queue = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
  }

  Lessor lessor() {
    return lessor;
  }

  Clock clock() {
    return clock;
  }

  boolean isClosed() {
    return closed;
  }

  /** Any thread: false when the queue is full or the node closed. */
  boolean submit(Task task) {
    return !closed && queue.offer(task);
  }

  /** Applier thread: runs {@code task} once the injected clock reaches {@code atNs}. */
  void schedule(long atNs, Task task) {
    timers.add(new Timer(atNs, timerSeq++, task));
  }

  /** Applier thread: an empty entry (a new leader's first) of {@code term} was applied. */
  void onLeaderEntry(long term) {
    leaderEntryTerm = term;
  }

  /** Applier thread, every duty cycle. */
  int doWork() {
    int work = queue.drain(Task::run, MAX_TASKS_PER_CYCLE);
    long now = clock.nanoTime();
    while (!timers.isEmpty() && now - timers.peek().atNs >= 0) {
      timers.poll().task.run();
      work++;
    }
    work += followLeadership(now);
    if (lessor.isPrimary() && now - nextScanNs >= 0) {
      nextScanNs = now + scanIntervalNs;
      work += expire(now);
    }
    return work;
  }

  private int followLeadership(long now) {
    long term = state.term;
    boolean leads = state.leaderMemberId() == memberId;
    if (!lessor.isPrimary() && leads && term == leaderEntryTerm) {
      lessor.promote(now);
      primaryTerm = term;
      nextScanNs = now;
      LOG.info(
          "member {}: lessor promoted in term {} ({} leases)", memberName, term, lessor.size());
      return 1;
    }
    if (lessor.isPrimary() && (!leads || term != primaryTerm)) {
      lessor.demote();
      LOG.info("member {}: lessor demoted (term {})", memberName, term);
      return 1;
    }
    return 0;
  }

  private int expire(long now) {
    long[] due = lessor.expired(now, MAX_REVOKES_PER_SCAN);
    for (long id : due) {
      proposals.proposeIfLeader(header -> new Request.LeaseRevoke(header, id));
    }
    List<LeaseCheckpoint> checkpoints = lessor.checkpointsDue(now, MAX_CHECKPOINTS_PER_PROPOSAL);
    if (!checkpoints.isEmpty()) {
      proposals.proposeIfLeader(header -> new Request.LeaseCheckpoints(header, checkpoints));
    }
    return due.length + checkpoints.size();
  }

  /**
   * Applier thread: answers a keep-alive or time-to-live with this member's lessor, or NOT_LEADER
   * when it is not the leader's.
   */
  LeaseCallFlyweight.Answer answer(int kind, long leaseId, boolean withKeys) {
    if (!lessor.isPrimary()) {
      return LeaseCallFlyweight.Answer.notLeader(leaseId);
    }
    long now = clock.nanoTime();
    try {
      if (kind == LeaseCallDescriptor.KIND_KEEP_ALIVE) {
        LeaseRenewal renewal = lessor.renew(leaseId, now);
        if (renewal.clearCheckpoint()) {
          proposals.proposeIfLeader(
              header ->
                  new Request.LeaseCheckpoints(header, List.of(new LeaseCheckpoint(leaseId, 0))));
        }
        return new LeaseCallFlyweight.Answer(
            LeaseCallDescriptor.STATUS_OK,
            leaseId,
            renewal.ttlSeconds(),
            renewal.ttlSeconds(),
            List.of());
      }
      LeaseTimeToLive ttl = lessor.timeToLive(leaseId, now, withKeys);
      return new LeaseCallFlyweight.Answer(
          LeaseCallDescriptor.STATUS_OK,
          leaseId,
          ttl.remainingSeconds(),
          ttl.grantedTtlSeconds(),
          ttl.keys());
    } catch (LeaseNotFoundException e) {
      return LeaseCallFlyweight.Answer.notFound(leaseId);
    } catch (NotPrimaryException e) {
      return LeaseCallFlyweight.Answer.notLeader(leaseId);
    }
  }

  /** Netty thread: a follower forwarded a lease call to this member. */
  void onForward(int kind, byte[] payload, ForwardReply reply) {
    if (kind != LeaseCallDescriptor.KIND_KEEP_ALIVE
        && kind != LeaseCallDescriptor.KIND_TIME_TO_LIVE) {
      reply.refuse(ForwardStatus.UNSUPPORTED);
      return;
    }
    long leaseId;
    boolean withKeys;
    try {
      LeaseCallFlyweight request = new LeaseCallFlyweight().wrap(payload);
      leaseId = request.requestLeaseId();
      withKeys = request.requestWithKeys();
    } catch (DecodingException e) {
      LOG.warn("member {}: malformed forwarded lease call: {}", memberName, e.getMessage());
      reply.refuse(ForwardStatus.FAILED);
      return;
    }
    Task task =
        new Task() {
          @Override
          public void run() {
            reply.complete(LeaseCallFlyweight.answer(answer(kind, leaseId, withKeys)));
          }

          @Override
          public void abort(RuntimeException error) {
            reply.refuse(ForwardStatus.FAILED);
          }
        };
    if (!submit(task)) {
      reply.refuse(ForwardStatus.BUSY);
    }
  }

  /**
   * After the applier thread stopped: refuses further work and aborts every queued task and timer
   * with {@code error}.
   */
  void close(RuntimeException error) {
    closed = true;
    List<Task> left = new ArrayList<>();
    queue.drain(left::add);
    for (Timer t : timers) {
      left.add(t.task);
    }
    timers.clear();
    for (Task t : left) {
      t.abort(error);
    }
  }
}
