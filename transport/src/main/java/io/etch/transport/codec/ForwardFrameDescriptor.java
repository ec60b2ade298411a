package io.etch.transport.codec;

/**
 * Body layout of the forwarding frames, big endian: a small request one member asks a peer's node
 * to answer (a keep-alive forwarded to the leader, ...) and that answer. Both travel on the CONTROL
 * connection the requester dialled: the request from dialer to acceptor, the response back on the
 * same socket, matched by the correlation id.
 *
 * <pre>
 *  FORWARD_REQUEST:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  correlation id (int64) ...                   |
 *  +---------------------------------------------------------------+
 *  |                  ... correlation id                           |
 *  +---------------+-----------------------------------------------+
 *  |  kind (uint8) |  payload length (int32) ...                   |
 *  +---------------+---------------+-------------------------------+
 *  | ... length    |  payload (opaque to the transport) ...        |
 *  +---------------+-----------------------------------------------+
 *
 *  FORWARD_RESPONSE: the same 13-byte header with the status ({@link
 *  io.etch.transport.ForwardStatus}) in place of the kind; the payload is empty unless the status
 *  is OK.
 * </pre>
 *
 * The payload length must equal the bytes left in the frame; it is at most the receiving
 * transport's {@code maxForwardPayloadBytes}. The correlation id is the requester's and means
 * nothing to the responder but the echo.
 */
public final class ForwardFrameDescriptor {
  /** Offset of the correlation id. */
  public static final int CORRELATION_ID_OFFSET = 0;

  /** Offset of the kind (request) or status (response) byte. */
  public static final int CODE_OFFSET = 8;

  /** Offset of the payload length. */
  public static final int PAYLOAD_LENGTH_OFFSET = 9;

  /** Offset of the payload. */
  public static final int PAYLOAD_OFFSET = 13;

  /** Bytes of the fixed header before the payload. */
  public static final int HEADER_BYTES = PAYLOAD_OFFSET;

  private ForwardFrameDescriptor() {}
}
