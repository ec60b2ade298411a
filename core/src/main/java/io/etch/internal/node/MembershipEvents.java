package io.etch.internal.node;

import io.etch.internal.membership.MembershipTable;

/**
 * What the node does when the replicated membership changes (called on the applier thread, or on
 * the starting thread before the applier runs): keep the transport's peers, the Raft id mapping and
 * the published learner flag in step, and stop the member once it is removed.
 */
interface MembershipEvents {
  /** This member was removed from the cluster: it must stop. */
  void selfRemoved();

  /**
   * The table changed or was replaced (start, a snapshot from the leader): the node brings the
   * transport's peers in line with it.
   */
  void changed(MembershipTable.View view);
}
