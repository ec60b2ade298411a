package io.etch.raft;

/**
 * Every kind of message the Raft core consumes or emits.
 *
 * <p>Codes follow etcd-io/raft's {@code raftpb.MessageType} numbering so traces read the same.
 * Local messages ({@link #isLocal()}) never cross the network: they are how the node talks to its
 * own core (a tick that becomes {@link #HUP}, a failed send reported as {@link #UNREACHABLE}). The
 * transport refuses to encode or accept them.
 */
public enum MessageType {
  /** Local: start an election (pre-vote first when enabled). */
  HUP(0, true),
  /** Local: the leader's heartbeat tick. */
  BEAT(1, true),
  /** A proposal; travels when a follower forwards it to the leader. */
  PROP(2, false),
  /** AppendEntries from leader to follower. */
  APP(3, false),
  /** Follower's answer to {@link #APP}; {@code reject} with a hint on conflict. */
  APP_RESP(4, false),
  /** RequestVote. */
  VOTE(5, false),
  VOTE_RESP(6, false),
  /** InstallSnapshot. */
  SNAP(7, false),
  HEARTBEAT(8, false),
  HEARTBEAT_RESP(9, false),
  /** Local: the transport could not reach a peer. */
  UNREACHABLE(10, true),
  /** Local: the outcome of sending a snapshot to a peer ({@code reject} = failed). */
  SNAP_STATUS(11, true),
  /** Local: the leader's check-quorum tick. */
  CHECK_QUORUM(12, true),
  /** Leadership transfer request; travels when a follower forwards it to the leader. */
  TRANSFER_LEADER(13, false),
  /** The leader tells the transferee to campaign at once. */
  TIMEOUT_NOW(14, false),
  /** Read-index request; travels when a follower forwards it to the leader. */
  READ_INDEX(15, false),
  READ_INDEX_RESP(16, false),
  PRE_VOTE(17, false),
  PRE_VOTE_RESP(18, false);

  private static final MessageType[] BY_CODE;

  static {
    MessageType[] values = values();
    BY_CODE = new MessageType[values.length];
    for (MessageType t : values) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final boolean local;

  MessageType(int code, boolean local) {
    this.code = code;
    this.local = local;
  }

  /** The stable wire code of this type. */
  public int code() {
    return code;
  }

  /** True for messages that never leave the node. */
  public boolean isLocal() {
    return local;
  }

  /** True for responses (they are sent only after the state they answer for is persisted). */
  public boolean isResponse() {
    return this == APP_RESP
        || this == VOTE_RESP
        || this == PRE_VOTE_RESP
        || this == HEARTBEAT_RESP
        || this == READ_INDEX_RESP;
  }

  /**
   * The type with the given wire code.
   *
   * @throws IllegalArgumentException naming the code when no type has it
   */
  public static MessageType fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("unknown raft message type code " + code);
    }
    return BY_CODE[code];
  }
}
