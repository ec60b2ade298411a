package io.etch.transport.codec;

/** The kind of a frame, its first body byte (see {@link FrameDescriptor}). */
public enum FrameType {
  /** Dialer to acceptor: who I am, whom I want, which lane this connection carries. */
  HELLO(1),
  /** Acceptor to dialer: the handshake's outcome. */
  HELLO_ACK(2),
  /** One non-local Raft message. */
  MESSAGE(3),
  /** Starts a snapshot stream: the file length and the SNAP message. */
  SNAPSHOT_BEGIN(4),
  /** A piece of the snapshot file. */
  SNAPSHOT_CHUNK(5),
  /** Ends a snapshot stream: total length and CRC32C of the whole file. */
  SNAPSHOT_END(6),
  /** Receiver to sender: the snapshot was verified and handed over, or not. */
  SNAPSHOT_ACK(7),
  /** Dialer to acceptor on a CONTROL connection: a request for the peer's node to answer. */
  FORWARD_REQUEST(8),
  /** Acceptor to dialer on the same connection: the answer to one FORWARD_REQUEST. */
  FORWARD_RESPONSE(9);

  private static final FrameType[] BY_CODE = new FrameType[10];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * The frame type with this code.
   *
   * @throws MalformedFrameException naming the code when none has it
   */
  public static FrameType fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
      throw new MalformedFrameException("unknown frame type code " + code);
    }
    return BY_CODE[code];
  }
}
