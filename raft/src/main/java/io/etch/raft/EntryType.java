package io.etch.raft;

/** What a log entry carries: an opaque command for the state machine or a membership change. */
public enum EntryType {
  /** An opaque command; an empty one is the leader's no-op at the start of its term. */
  NORMAL(0),
  /** A {@code ConfChange} encoded by the raft module. */
  CONF_CHANGE(1);

  private final int code;

  EntryType(int code) {
    this.code = code;
  }

  /** The stable wire and on-disk code. */
  public int code() {
    return code;
  }

  /**
   * The type with the given code.
   *
   * @throws IllegalArgumentException naming the code when no type has it
   */
  public static EntryType fromCode(int code) {
    return switch (code) {
      case 0 -> NORMAL;
      case 1 -> CONF_CHANGE;
      default -> throw new IllegalArgumentException("unknown raft entry type code " + code);
    };
  }
}
