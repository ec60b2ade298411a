package io.etch.cluster;

import io.etch.PeerAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Membership changes, applied one at a time through Raft (etcd's Cluster service). Failures are
 * {@link io.etch.EtchException}s: {@code MemberNotFoundException}, {@code MemberExistsException},
 * {@code MemberIdRemovedException}, {@code NotLearnerException}, {@code LearnerNotReadyException},
 * {@code TooManyLearnersException}, {@code UnhealthyClusterException}, {@code
 * BadLeaderTransfereeException}, {@code NotLeaderException}, {@code RequestTimeoutException},
 * {@code NoLeaderException}, {@code NodeClosedException}, {@code MemberRemovedException}. Semantics
 * and deviations from etcd: docs/api.md.
 */
public interface Cluster {
  /** The current members (as this member knows them after a linearizable read). */
  CompletableFuture<MemberListResponse> listMembers();

  /**
   * Adds a member. The new node must then start with the same cluster token, {@code memberName},
   * and "join existing"; its id is {@link MemberIds#memberId(String, String)}. A learner receives
   * the log but does not vote until promoted; adding as a learner first is the safe way to grow a
   * cluster. A voter can only be added while the cluster would keep a reachable quorum.
   *
   * <p>Unlike etcd, which takes only peer URLs and assigns a random-ish id, Etch also takes the
   * member's name, because member ids derive from it (see {@link MemberIds}).
   */
  CompletableFuture<MemberAddResponse> addMember(
      String memberName, PeerAddress peerAddress, boolean learner);

  /** Promotes a caught-up learner to a voter. */
  CompletableFuture<MemberListResponse> promoteMember(long memberId);

  /**
   * Removes a member; a removed node stops itself. Removing the leader makes it step down first.
   */
  CompletableFuture<MemberListResponse> removeMember(long memberId);

  /**
   * Transfers leadership to the voter {@code targetMemberId} and completes once it leads (jetcd has
   * this on Maintenance). Must be asked of the leader, as in etcd: a follower fails it with {@code
   * NotLeaderException} naming the leader.
   */
  CompletableFuture<MoveLeaderResponse> moveLeader(long targetMemberId);
}
