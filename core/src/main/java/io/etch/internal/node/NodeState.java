package io.etch.internal.node;

import io.etch.internal.metrics.NodeMetrics;
import io.etch.maintenance.AlarmMember;
import java.util.List;

/**
 * What the node's threads publish for everyone else to read: plain volatile fields, each written by
 * exactly one thread (raft fields by the owner thread, {@code appliedIndex} by the applier).
 */
final class NodeState {
  volatile long term;

  /** The cluster id; a joining member learns it with the membership (0 until then). */
  volatile long clusterId;

  /** Live leases, as of the last applied batch (written by the applier). */
  volatile long leaseCount;

  /** The leader's Raft id (0: none); see {@link #leaderMemberId()}. */
  volatile long leaderId;

  volatile long leaderChanges;
  volatile long commitIndex;

  /** Whether this member is a learner (written with the replicated membership, applier-side). */
  volatile boolean learner;

  volatile long appliedIndex;

  /** The raised alarms, in the order they were raised (applier-written, replicated state). */
  volatile List<AlarmMember> alarms = List.of();

  /** Counters, timings and the operational log lines; any thread. */
  final NodeMetrics metrics;

  private final RaftIds ids;

  NodeState(RaftIds ids, NodeMetrics metrics) {
    this.ids = ids;
    this.metrics = metrics;
  }

  /** The leader's public member id, 0 when there is none. */
  long leaderMemberId() {
    return ids.memberId(leaderId);
  }
}
