package io.etch.internal.node;

import io.etch.BadLeaderTransfereeException;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.LearnerNotReadyException;
import io.etch.MemberExistsException;
import io.etch.MemberIdRemovedException;
import io.etch.MemberNotFoundException;
import io.etch.NoLeaderException;
import io.etch.NotLeaderException;
import io.etch.NotLearnerException;
import io.etch.PeerAddress;
import io.etch.RequestTimeoutException;
import io.etch.TooManyLearnersException;
import io.etch.UnhealthyClusterException;
import io.etch.cluster.Cluster;
import io.etch.cluster.Member;
import io.etch.cluster.MemberAddResponse;
import io.etch.cluster.MemberIds;
import io.etch.cluster.MemberListResponse;
import io.etch.cluster.MoveLeaderResponse;
import io.etch.internal.membership.MembershipContext;
import io.etch.internal.membership.MembershipTable;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.internal.request.RequestIdGenerator;
import io.etch.raft.ProgressStatus;
import io.etch.raft.RawNode;
import io.etch.raft.StateRole;
import io.etch.raft.Status;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.conf.ConfChangeType;
import io.etch.raft.tracker.ProgressState;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The member's {@link Cluster}: membership changes proposed through Raft, one at a time.
 *
 * <h2>Where each check runs</h2>
 *
 * <ul>
 *   <li>On the calling thread, against the replicated membership this member has applied: unknown
 *       member ({@link MemberNotFoundException}), a removed id ({@link MemberIdRemovedException}),
 *       a name or address taken ({@link MemberExistsException}), promoting a voter ({@link
 *       NotLearnerException}), the learner limit ({@link TooManyLearnersException}), a non-voter
 *       transferee ({@link BadLeaderTransfereeException}).
 *   <li>On the owner thread when this member leads, against the leader's replication progress:
 *       etcd's strict reconfiguration check ({@link UnhealthyClusterException}: adding or promoting
 *       a voter, or removing one, must leave a quorum of voters the leader recently heard from) and
 *       learner readiness ({@link LearnerNotReadyException}: its match index must reach 90% of the
 *       leader's). A follower has no progress to check: it proposes, and Raft forwards the change
 *       to the leader, which accepts it unchecked (see docs/api.md).
 *   <li>At apply, on every member alike: the same validity rule as Raft's; a change that became
 *       invalid meanwhile (a race between two callers) changes nothing and fails the caller.
 * </ul>
 *
 * The change carries a {@link MembershipContext} (the proposer and its request id, and for an
 * addition the member's full id, name and address), so every member learns the address from the log
 * and the proposer's applier completes the future with the membership after the change.
 *
 * <h2>Moving leadership</h2>
 *
 * {@link #moveLeader} asks Raft to transfer leadership (a follower forwards the request to the
 * leader) and completes once this member sees the target lead; the owner thread repeats the request
 * each tick while no transfer is under way, until {@code requestTimeout}.
 */
final class NodeCluster implements Cluster {
  /** etcd's readyPercentThreshold: a learner is promotable at 90% of the leader's match. */
  static final double LEARNER_READY_FRACTION = 0.9;

  /** Runs on the owner thread when this member leads; returns the refusal or null. */
  @FunctionalInterface
  interface LeaderCheck {
    EtchException check(Status status);
  }

  private final NodeRuntime runtime;
  private final String clusterToken;
  private final int maxLearners;
  private final NodeMembership membership;
  private final RequestIdGenerator ids;
  private final Executor callbacks;
  private final NodeMetrics failures;
  private final Duration requestTimeout;
  private final LongSupplier nanoTime;
  private final ConcurrentLinkedQueue<PendingMove> moves = new ConcurrentLinkedQueue<>();

  NodeCluster(
      NodeRuntime runtime,
      String clusterToken,
      int maxLearners,
      NodeMembership membership,
      RequestIdGenerator ids,
      Executor callbacks,
      NodeMetrics failures,
      Duration requestTimeout,
      LongSupplier nanoTime) {
    this.runtime = runtime;
    this.clusterToken = clusterToken;
    this.maxLearners = maxLearners;
    this.membership = membership;
    this.ids = ids;
    this.callbacks = callbacks;
    this.failures = failures;
    this.requestTimeout = requestTimeout;
    this.nanoTime = nanoTime;
  }

  @Override
  public CompletableFuture<MemberListResponse> listMembers() {
    return runtime
        .linearizableRead(() -> null)
        .thenApply(
            ignored ->
                new MemberListResponse(
                    runtime.header(runtime.view().revision()), membership.view().members()));
  }

  @Override
  public CompletableFuture<MemberAddResponse> addMember(
      String memberName, PeerAddress peerAddress, boolean learner) {
    Objects.requireNonNull(memberName, "memberName");
    Objects.requireNonNull(peerAddress, "peerAddress");
    try {
      if (memberName.isBlank()) {
        throw new InvalidArgumentException("memberName", "member name must not be blank");
      }
      long id = MemberIds.memberId(clusterToken, memberName);
      MembershipTable.View view = membership.view();
      if (view.removedIds().contains(id)) {
        throw new MemberIdRemovedException(id);
      }
      for (Member m : view.members()) {
        if (m.id() == id || m.peerAddress().equals(peerAddress)) {
          throw new MemberExistsException(id, peerAddress);
        }
        if (MembershipTable.raftId(m.id()) == MembershipTable.raftId(id)) {
          throw new InvalidArgumentException(
              "memberName",
              "member '"
                  + memberName
                  + "' and member '"
                  + m.name()
                  + "' differ only in the top bit of their ids; choose another name");
        }
      }
      if (learner && view.learnerCount() >= maxLearners) {
        throw new TooManyLearnersException(maxLearners);
      }
      ConfChangeType type = learner ? ConfChangeType.ADD_LEARNER : ConfChangeType.ADD_VOTER;
      LeaderCheck check = learner ? status -> null : status -> quorumAfter("add member", status, 1);
      return propose("add member", type, id, memberName, peerAddress, check)
          .thenApply(MemberAddResponse.class::cast);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<MemberListResponse> promoteMember(long memberId) {
    try {
      Member m = existing(memberId);
      if (!m.learner()) {
        throw new NotLearnerException(memberId);
      }
      long raftId = MembershipTable.raftId(memberId);
      LeaderCheck check =
          status -> {
            // etcd's order: readiness first, then the strict reconfiguration check
            EtchException notReady = learnerReadiness(memberId, raftId, status);
            return notReady != null ? notReady : quorumAfter("promote member", status, 1);
          };
      return propose("promote member", ConfChangeType.ADD_VOTER, memberId, "", null, check)
          .thenApply(MemberListResponse.class::cast);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<MemberListResponse> removeMember(long memberId) {
    try {
      Member m = existing(memberId);
      long raftId = MembershipTable.raftId(memberId);
      LeaderCheck check =
          m.learner() ? status -> null : status -> quorumWithout("remove member", status, raftId);
      return propose("remove member", ConfChangeType.REMOVE_NODE, memberId, "", null, check)
          .thenApply(MemberListResponse.class::cast);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<MoveLeaderResponse> moveLeader(long targetMemberId) {
    Member m = membership.view().member(targetMemberId);
    if (m == null) {
      return CompletableFuture.failedFuture(
          new BadLeaderTransfereeException(targetMemberId, "not a member of the cluster"));
    }
    if (m.learner()) {
      return CompletableFuture.failedFuture(
          new BadLeaderTransfereeException(targetMemberId, "a learner cannot lead"));
    }
    PendingMove move =
        new PendingMove(
            MembershipTable.raftId(targetMemberId),
            nanoTime.getAsLong() + requestTimeout.toNanos(),
            failures);
    if (!runtime.submitToOwner(owner -> startMove(owner.raft(), move))) {
      move.fail(new RequestTimeoutException("move leader", Duration.ZERO), callbacks);
    }
    return move.future;
  }

  private Member existing(long memberId) {
    MembershipTable.View view = membership.view();
    Member m = view.member(memberId);
    if (m == null) {
      throw view.removedIds().contains(memberId)
          ? new MemberIdRemovedException(memberId)
          : new MemberNotFoundException(memberId);
    }
    return m;
  }

  private CompletableFuture<Object> propose(
      String operation,
      ConfChangeType type,
      long memberId,
      String name,
      PeerAddress address,
      LeaderCheck check) {
    long requestId;
    synchronized (ids) {
      requestId = ids.next();
    }
    byte[] context =
        new MembershipContext(runtime.memberId(), requestId, memberId, name, address).encode();
    ConfChange cc = new ConfChange(type, MembershipTable.raftId(memberId), context);
    return runtime.proposeConfChange(operation, requestId, ConfChangeCodec.encode(cc), check);
  }

  /**
   * The leader's checks for a change a follower forwarded (Raft carries it as a PROP message), the
   * same ones a change asked of the leader passes: the kind of change follows from the change and
   * the current configuration. Null when it may be appended.
   */
  static EtchException forwardedCheck(ConfChange cc, Status status) {
    long id = cc.nodeId();
    boolean voter = contains(status.confState().voters(), id);
    boolean learner = contains(status.confState().learners(), id);
    long memberId;
    try {
      memberId = MembershipContext.decode(cc.context()).memberId();
    } catch (RuntimeException e) {
      memberId = id;
    }
    return switch (cc.type()) {
      case ADD_LEARNER -> null;
      case ADD_VOTER -> {
        if (learner) {
          EtchException notReady = learnerReadiness(memberId, id, status);
          yield notReady != null ? notReady : quorumAfter("promote member", status, 1);
        }
        yield voter ? null : quorumAfter("add member", status, 1);
      }
      case REMOVE_NODE -> voter ? quorumWithout("remove member", status, id) : null;
    };
  }

  private static boolean contains(long[] ids, long id) {
    for (long x : ids) {
      if (x == id) {
        return true;
      }
    }
    return false;
  }

  /** etcd's strict reconfiguration check for a change that adds {@code added} voters. */
  static EtchException quorumAfter(String operation, Status status, int added) {
    int voters = added;
    int active = 0;
    long[] ids = status.confState().voters();
    for (long id : ids) {
      voters++;
      if (isActive(status, id)) {
        active++;
      }
    }
    if (active == 1 && voters == 2) {
      return null; // etcd: growing a lone member (restoring a cluster from one member's data)
    }
    int quorum = voters / 2 + 1;
    return active >= quorum ? null : new UnhealthyClusterException(operation, active, quorum);
  }

  /** etcd's strict check for removing voter {@code removed}: the rest keep an active quorum. */
  static EtchException quorumWithout(String operation, Status status, long removed) {
    int voters = 0;
    int active = 0;
    for (long id : status.confState().voters()) {
      if (id == removed) {
        continue;
      }
      voters++;
      if (isActive(status, id)) {
        active++;
      }
    }
    int quorum = voters / 2 + 1;
    return active >= quorum ? null : new UnhealthyClusterException(operation, active, quorum);
  }

  private static boolean isActive(Status status, long id) {
    if (id == status.id()) {
      return true;
    }
    // recentActive is cleared each election timeout and set again by the next response; a
    // follower the leader is replicating to (its connection is up) counts as reachable meanwhile
    ProgressStatus p = status.progress().get(id);
    return p != null && (p.recentActive() || p.state() == ProgressState.REPLICATE);
  }

  /** etcd's isLearnerReady: the learner's match index is at least 90% of the leader's. */
  static EtchException learnerReadiness(long memberId, long raftId, Status status) {
    Map<Long, ProgressStatus> progress = status.progress();
    ProgressStatus learner = progress.get(raftId);
    ProgressStatus leader = progress.get(status.id());
    long leaderMatch = leader != null ? leader.match() : status.commit();
    long learnerMatch = learner != null ? learner.match() : 0;
    if (learnerMatch < leaderMatch * LEARNER_READY_FRACTION) {
      return new LearnerNotReadyException(memberId, learnerMatch, leaderMatch);
    }
    return null;
  }

  /** Owner thread: only the leader moves leadership (etcd: ErrNotLeader on a follower). */
  private void startMove(RawNode node, PendingMove move) {
    if (node.lead() == move.targetRaftId) {
      move.succeed(new MoveLeaderResponse(runtime.header(runtime.view().revision())), callbacks);
    } else if (node.role() != StateRole.LEADER) {
      move.fail(
          node.lead() == 0
              ? new NoLeaderException(runtime.memberId())
              : new NotLeaderException("move leader", runtime.leaderMemberId()),
          callbacks);
    } else {
      moves.add(move);
      node.transferLeadership(move.targetRaftId);
    }
  }

  /** Owner thread, every tick: completes, re-requests or times out leadership moves. */
  void tick(RawNode node) {
    if (moves.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    Iterator<PendingMove> it = moves.iterator();
    while (it.hasNext()) {
      PendingMove move = it.next();
      if (move.isDone()) {
        it.remove();
      } else if (node.lead() == move.targetRaftId) {
        it.remove();
        move.succeed(new MoveLeaderResponse(runtime.header(runtime.view().revision())), callbacks);
      } else if (now - move.deadlineNs >= 0) {
        it.remove();
        move.fail(new RequestTimeoutException("move leader", requestTimeout), callbacks);
      } else if (node.role() == StateRole.LEADER && node.status().leadTransferee() == 0) {
        // the previous attempt was aborted (the target did not catch up within an election
        // timeout): ask again; a member that lost leadership meanwhile waits for the deadline
        node.transferLeadership(move.targetRaftId);
      }
    }
  }

  /** Close: fails the moves still waiting. */
  void failAll(RuntimeException error) {
    PendingMove move;
    while ((move = moves.poll()) != null) {
      move.fail(error, callbacks);
    }
  }

  /** A leadership move waiting for its target to lead. */
  private static final class PendingMove extends Pending<MoveLeaderResponse> {
    final long targetRaftId;

    PendingMove(long targetRaftId, long deadlineNs, NodeMetrics failures) {
      super("move leader", deadlineNs, failures);
      this.targetRaftId = targetRaftId;
    }
  }
}
