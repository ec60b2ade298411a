package io.etch.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etch.LearnerNotReadyException;
import io.etch.UnhealthyClusterException;
import io.etch.raft.ConfState;
import io.etch.raft.ProgressStatus;
import io.etch.raft.StateRole;
import io.etch.raft.Status;
import io.etch.raft.tracker.ProgressState;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader-side checks of membership changes, on synthetic leader status (etcd's rules). */
class NodeClusterChecksTest {
  private static ProgressStatus progress(long match, boolean active, ProgressState state) {
    return new ProgressStatus(match, match + 1, state, false, active, 0, 0);
  }

  /** Leader 1 with voters 1..voters; {@code down} members are neither active nor replicating. */
  private static Status leader(int voters, long leaderMatch, long... down) {
    long[] ids = new long[voters];
    Map<Long, ProgressStatus> progress = new HashMap<>();
    for (int i = 0; i < voters; i++) {
      long id = i + 1;
      ids[i] = id;
      boolean isDown = false;
      for (long d : down) {
        isDown |= d == id;
      }
      progress.put(
          id,
          isDown
              ? progress(leaderMatch, false, ProgressState.PROBE)
              : progress(leaderMatch, true, ProgressState.REPLICATE));
    }
    return new Status(
        1,
        5,
        1,
        leaderMatch,
        leaderMatch,
        1,
        StateRole.LEADER,
        0,
        ConfState.of(ids, new long[0]),
        progress);
  }

  @Test
  void addingAVoterNeedsAReachableQuorumOfTheLargerCluster() {
    assertNull(NodeCluster.quorumAfter("add", leader(3, 10), 1)); // 3 of 4 reachable
    UnhealthyClusterException e =
        assertInstanceOf(
            UnhealthyClusterException.class, NodeCluster.quorumAfter("add", leader(3, 10, 3), 1));
    assertEquals(2, e.reachableVoters());
    assertEquals(3, e.requiredVoters());
    assertNull(NodeCluster.quorumAfter("add", leader(1, 10), 1)); // 1 of 2: etcd allows it
  }

  @Test
  void removingAVoterNeedsAReachableQuorumOfTheRest() {
    assertNull(NodeCluster.quorumWithout("remove", leader(3, 10, 3), 3)); // removing the dead one
    UnhealthyClusterException e =
        assertInstanceOf(
            UnhealthyClusterException.class,
            NodeCluster.quorumWithout("remove", leader(3, 10, 3), 2));
    assertEquals(1, e.reachableVoters());
    assertEquals(2, e.requiredVoters());
  }

  @Test
  void aFollowerBetweenActivityRoundsStillCountsWhileReplicating() {
    Status s = leader(3, 10);
    s.progress().put(2L, progress(10, false, ProgressState.REPLICATE));
    s.progress().put(3L, progress(10, false, ProgressState.REPLICATE));
    assertNull(NodeCluster.quorumAfter("add", s, 1));
  }

  @Test
  void aLearnerIsReadyAtNinetyPercentOfTheLeadersMatch() {
    Status s = leader(3, 100);
    s.progress().put(9L, new ProgressStatus(89, 90, ProgressState.REPLICATE, true, true, 0, 0));
    LearnerNotReadyException e =
        assertInstanceOf(LearnerNotReadyException.class, NodeCluster.learnerReadiness(0xABL, 9, s));
    assertEquals(89, e.matchIndex());
    assertEquals(100, e.leaderIndex());
    s.progress().put(9L, new ProgressStatus(90, 91, ProgressState.REPLICATE, true, true, 0, 0));
    assertNull(NodeCluster.learnerReadiness(0xABL, 9, s));
    s.progress().remove(9L);
    assertInstanceOf(LearnerNotReadyException.class, NodeCluster.learnerReadiness(0xABL, 9, s));
  }

  @Test
  void aForwardedChangeGetsTheChecksOfItsKind() {
    Status s = leader(3, 100, 3);
    s.progress().put(9L, new ProgressStatus(10, 11, ProgressState.REPLICATE, true, true, 0, 0));
    Status withLearner =
        new Status(
            1,
            5,
            1,
            100,
            100,
            1,
            StateRole.LEADER,
            0,
            ConfState.of(new long[] {1, 2, 3}, new long[] {9}),
            s.progress());
    byte[] ctx = new io.etch.internal.membership.MembershipContext(2, 1, 9, "", null).encode();
    assertInstanceOf(
        LearnerNotReadyException.class,
        NodeCluster.forwardedCheck(
            new io.etch.raft.conf.ConfChange(io.etch.raft.conf.ConfChangeType.ADD_VOTER, 9, ctx),
            withLearner));
    assertInstanceOf(
        UnhealthyClusterException.class,
        NodeCluster.forwardedCheck(
            new io.etch.raft.conf.ConfChange(io.etch.raft.conf.ConfChangeType.ADD_VOTER, 7, ctx),
            withLearner));
    assertInstanceOf(
        UnhealthyClusterException.class,
        NodeCluster.forwardedCheck(
            new io.etch.raft.conf.ConfChange(io.etch.raft.conf.ConfChangeType.REMOVE_NODE, 2, ctx),
            withLearner));
    assertNull(
        NodeCluster.forwardedCheck(
            new io.etch.raft.conf.ConfChange(io.etch.raft.conf.ConfChangeType.REMOVE_NODE, 3, ctx),
            withLearner));
    assertNull(
        NodeCluster.forwardedCheck(
            new io.etch.raft.conf.ConfChange(io.etch.raft.conf.ConfChangeType.ADD_LEARNER, 8, ctx),
            withLearner));
  }
}
