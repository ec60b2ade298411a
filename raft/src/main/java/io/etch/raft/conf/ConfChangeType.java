package io.etch.raft.conf;

/** A single-server membership change. */
public enum ConfChangeType {
  /** Adds a voter, or promotes a learner to voter. */
  ADD_VOTER(0),
  /** Adds a learner (a non-voting member that receives the log). */
  ADD_LEARNER(1),
  /** Removes a voter or a learner. */
  REMOVE_NODE(2);

  private final int code;

  ConfChangeType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * @throws IllegalArgumentException naming the code when no type has it
   */
  public static ConfChangeType fromCode(int code) {
    return switch (code) {
      case 0 -> ADD_VOTER;
      case 1 -> ADD_LEARNER;
      case 2 -> REMOVE_NODE;
      default -> throw new IllegalArgumentException("unknown conf change type code " + code);
    };
  }
}
