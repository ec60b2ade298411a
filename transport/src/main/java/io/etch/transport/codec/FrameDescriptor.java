package io.etch.transport.codec;

/**
 * Layout of every frame on a peer connection.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 frame length (int32, big endian)              |
 *  +---------------+-----------------------------------------------+
 *  |  frame type   |  body ...                                     |
 *  +---------------+                                               |
 *  ...                                                           ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The frame length counts the type byte and the body, not itself; it is at least 1 and at most the
 * configured {@code maxFrameBytes}. A larger length closes the connection before any of the frame
 * is buffered. The body layout depends on the {@link FrameType}: {@link HandshakeDescriptor} for
 * HELLO/HELLO_ACK, {@link MessageDescriptor} for MESSAGE, {@link SnapshotFrameDescriptor} for the
 * snapshot stream.
 */
public final class FrameDescriptor {
  /** Offset of the frame length field. */
  public static final int LENGTH_OFFSET = 0;

  /** Size of the frame length field. */
  public static final int LENGTH_FIELD_BYTES = 4;

  /** Offset of the frame type byte. */
  public static final int TYPE_OFFSET = LENGTH_FIELD_BYTES;

  /** Offset of the body. */
  public static final int BODY_OFFSET = TYPE_OFFSET + 1;

  /** Bytes before the body: the length field and the type byte. */
  public static final int HEADER_BYTES = BODY_OFFSET;

  /** Smallest {@code maxFrameBytes} a transport accepts. */
  public static final int MIN_MAX_FRAME_BYTES = 4096;

  /** Largest {@code maxFrameBytes} a transport accepts (1 GiB). */
  public static final int MAX_MAX_FRAME_BYTES = 1 << 30;

  private FrameDescriptor() {}
}
