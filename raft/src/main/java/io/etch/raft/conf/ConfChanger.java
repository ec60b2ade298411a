package io.etch.raft.conf;

import io.etch.raft.ConfState;
import java.util.Arrays;
import org.agrona.collections.LongArrayList;

/**
 * Computes the membership that results from one single-server change, or explains why the change is
 * invalid (so the leader can refuse it at proposal time and every member treats it as a no-op at
 * apply time, identically).
 */
public final class ConfChanger {
  private ConfChanger() {}

  /** Why a change is refused, or null when it is valid against {@code current}. */
  public static String invalidReason(ConfState current, ConfChange cc) {
    if (current.isJoint()) {
      return "joint configurations are not supported (single-server changes only)";
    }
    boolean voter = contains(current.voters(), cc.nodeId());
    boolean learner = contains(current.learners(), cc.nodeId());
    return switch (cc.type()) {
      case ADD_VOTER -> voter ? "node " + cc.nodeId() + " is already a voter" : null;
      case ADD_LEARNER -> learner ? "node " + cc.nodeId() + " is already a learner" : null;
      case REMOVE_NODE -> {
        if (!voter && !learner) {
          yield "node " + cc.nodeId() + " is not a member";
        }
        if (voter && current.voters().length == 1) {
          yield "removing node " + cc.nodeId() + " would leave no voter";
        }
        yield null;
      }
    };
  }

  /** The membership after {@code cc}; {@code current} itself when the change is invalid. */
  public static ConfState apply(ConfState current, ConfChange cc) {
    if (invalidReason(current, cc) != null) {
      return current;
    }
    long id = cc.nodeId();
    long[] voters = current.voters();
    long[] learners = current.learners();
    return switch (cc.type()) {
      case ADD_VOTER -> ConfState.of(with(voters, id), without(learners, id));
      case ADD_LEARNER -> ConfState.of(without(voters, id), with(learners, id));
      case REMOVE_NODE -> ConfState.of(without(voters, id), without(learners, id));
    };
  }

  private static boolean contains(long[] sorted, long id) {
    return Arrays.binarySearch(sorted, id) >= 0;
  }

  private static long[] with(long[] ids, long id) {
    long[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = id;
    return out;
  }

  private static long[] without(long[] ids, long id) {
    LongArrayList out = new LongArrayList();
    for (long x : ids) {
      if (x != id) {
        out.addLong(x);
      }
    }
    return out.toLongArray();
  }
}
