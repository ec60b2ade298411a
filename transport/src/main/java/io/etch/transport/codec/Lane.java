package io.etch.transport.codec;

/**
 * Which traffic a connection carries. Each peer pair has one CONTROL and one DATA connection per
 * direction, and one SNAPSHOT connection per transfer, so heartbeats and votes never queue behind
 * an append or a snapshot.
 */
public enum Lane {
  /** Heartbeats, votes, responses, timeout-now, read-index, transfer-leader. */
  CONTROL(0),
  /** Appends, forwarded proposals, inline snapshots. */
  DATA(1),
  /** One streamed snapshot file. */
  SNAPSHOT(2);

  private final int code;

  Lane(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * The lane with this code.
   *
   * @throws MalformedFrameException naming the code when none has it
   */
  public static Lane fromCode(int code) {
    return switch (code) {
      case 0 -> CONTROL;
      case 1 -> DATA;
      case 2 -> SNAPSHOT;
      default -> throw new MalformedFrameException("unknown lane code " + code);
    };
  }
}
