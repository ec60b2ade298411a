package io.etch.transport.codec;

/**
 * Body layouts of the handshake frames, big endian.
 *
 * <pre>
 *  HELLO (dialer to acceptor), 31 bytes, then optionally the dialer's advertised listen address
 *  (3 + hostLength bytes):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    magic 0x45544348 ("ETCH")                  |
 *  +-------------------------------+---------------+---------------+
 *  |  protocol version (uint16)    |  lane (int8)  | cluster id ...|
 *  +-------------------------------+---------------+---------------+
 *  |  ... cluster id (int64)                                       |
 *  +---------------------------------------------------------------+
 *  |  sender member id (int64)                                     |
 *  +---------------------------------------------------------------+
 *  |  intended receiver member id (int64)                          |
 *  +-------------------------------+---------------+---------------+
 *  |  advertised port (uint16)     | hostLen (u8)  | host (UTF-8)..|
 *  +-------------------------------+---------------+---------------+
 *
 *  HELLO_ACK (acceptor to dialer), 9 bytes:
 *  +---------------+-----------------------------------------------+
 *  |  status (int8)|  acceptor member id (int64)                   |
 *  +---------------+-----------------------------------------------+
 * </pre>
 *
 * The advertised address is how an acceptor that does not know the dialer yet (a member that joins
 * a running cluster, contacted by a leader it never heard of) learns where to dial back; a HELLO
 * without it (31 bytes) is still accepted.
 *
 * <p>A HELLO with another magic or version, another cluster id, an unknown sender or another
 * receiver is answered with a HELLO_ACK naming the {@link HandshakeStatus} and the connection is
 * closed.
 */
public final class HandshakeDescriptor {
  public static final int MAGIC = 0x45544348;
  public static final int PROTOCOL_VERSION = 1;

  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_OFFSET = 4;
  public static final int LANE_OFFSET = 6;
  public static final int CLUSTER_ID_OFFSET = 7;
  public static final int SENDER_ID_OFFSET = 15;
  public static final int RECEIVER_ID_OFFSET = 23;
  public static final int HELLO_BYTES = 31;
  public static final int ADVERTISED_PORT_OFFSET = 31;
  public static final int ADVERTISED_HOST_LENGTH_OFFSET = 33;
  public static final int ADVERTISED_HOST_OFFSET = 34;
  public static final int MAX_ADVERTISED_HOST_BYTES = 255;
  public static final int MAX_HELLO_BYTES = ADVERTISED_HOST_OFFSET + MAX_ADVERTISED_HOST_BYTES;

  public static final int STATUS_OFFSET = 0;
  public static final int ACCEPTOR_ID_OFFSET = 1;
  public static final int HELLO_ACK_BYTES = 9;

  private HandshakeDescriptor() {}
}
