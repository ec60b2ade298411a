package io.etch.raft.conf;

import java.util.Objects;

/**
 * One single-server membership change, carried by a {@link io.etch.raft.EntryType#CONF_CHANGE}
 * entry (encoded by {@link ConfChangeCodec}).
 *
 * @param type what happens to the member
 * @param nodeId the member, {@code > 0}
 * @param context opaque bytes for the node (for instance the new member's address); never null
 */
public record ConfChange(ConfChangeType type, long nodeId, byte[] context) {
  private static final byte[] EMPTY = new byte[0];

  public ConfChange {
    Objects.requireNonNull(type, "type");
    if (nodeId <= 0) {
      throw new IllegalArgumentException("conf change node id must be > 0, got " + nodeId);
    }
    context = context == null ? EMPTY : context;
  }

  public static ConfChange addVoter(long id) {
    return new ConfChange(ConfChangeType.ADD_VOTER, id, null);
  }

  public static ConfChange addLearner(long id) {
    return new ConfChange(ConfChangeType.ADD_LEARNER, id, null);
  }

  public static ConfChange remove(long id) {
    return new ConfChange(ConfChangeType.REMOVE_NODE, id, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfChange c
        && c.type == type
        && c.nodeId == nodeId
        && java.util.Arrays.equals(c.context, context);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, nodeId) * 31 + java.util.Arrays.hashCode(context);
  }

  @Override
  public String toString() {
    return "ConfChange{" + type + " " + nodeId + "}";
  }
}
