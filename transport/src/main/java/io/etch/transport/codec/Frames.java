package io.etch.transport.codec;

import io.etch.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Builds the small control frames; each returns a new buffer the caller writes (and so releases).
 */
public final class Frames {
  private Frames() {}

  /** A HELLO without an advertised address. */
  public static ByteBuf hello(
      ByteBufAllocator alloc, Lane lane, long clusterId, long senderId, long receiverId) {
    return hello(alloc, lane, clusterId, senderId, receiverId, null, 0);
  }

  /**
   * A HELLO; {@code advertisedHost} (null: none) and {@code advertisedPort} tell the acceptor where
   * the dialer listens.
   *
   * @throws IllegalArgumentException when the host is longer than {@link
   *     HandshakeDescriptor#MAX_ADVERTISED_HOST_BYTES} bytes in UTF-8
   */
  public static ByteBuf hello(
      ByteBufAllocator alloc,
      Lane lane,
      long clusterId,
      long senderId,
      long receiverId,
      String advertisedHost,
      int advertisedPort) {
    byte[] host =
        advertisedHost == null || advertisedPort <= 0
            ? null
            : advertisedHost.getBytes(StandardCharsets.UTF_8);
    if (host != null && host.length > HandshakeDescriptor.MAX_ADVERTISED_HOST_BYTES) {
      throw new IllegalArgumentException(
          "advertised host '"
              + advertisedHost
              + "' is longer than "
              + HandshakeDescriptor.MAX_ADVERTISED_HOST_BYTES
              + " bytes");
    }
    int bodyBytes =
        host == null
            ? HandshakeDescriptor.HELLO_BYTES
            : HandshakeDescriptor.ADVERTISED_HOST_OFFSET + host.length;
    ByteBuf b = header(alloc, FrameType.HELLO, bodyBytes);
    b.writeInt(HandshakeDescriptor.MAGIC);
    b.writeShort(HandshakeDescriptor.PROTOCOL_VERSION);
    b.writeByte(lane.code());
    b.writeLong(clusterId);
    b.writeLong(senderId);
    b.writeLong(receiverId);
    if (host != null) {
      b.writeShort(advertisedPort);
      b.writeByte(host.length);
      b.writeBytes(host);
    }
    return b;
  }

  public static ByteBuf helloAck(ByteBufAllocator alloc, HandshakeStatus status, long acceptorId) {
    ByteBuf b = header(alloc, FrameType.HELLO_ACK, HandshakeDescriptor.HELLO_ACK_BYTES);
    b.writeByte(status.code());
    b.writeLong(acceptorId);
    return b;
  }

  /**
   * A SNAPSHOT_BEGIN frame.
   *
   * @throws FrameTooLargeException when the message does not fit in {@code maxFrameBytes}
   */
  public static ByteBuf snapshotBegin(
      ByteBufAllocator alloc, long fileBytes, Message snap, int maxFrameBytes) {
    long body = SnapshotFrameDescriptor.BEGIN_MESSAGE_OFFSET + MessageCodec.bodyBytes(snap);
    if (body + 1 > maxFrameBytes) {
      throw new FrameTooLargeException(body + 1, maxFrameBytes);
    }
    ByteBuf b = header(alloc, FrameType.SNAPSHOT_BEGIN, (int) body);
    b.writeLong(fileBytes);
    MessageCodec.writeBody(snap, b);
    return b;
  }

  /** Writes a SNAPSHOT_CHUNK header announcing {@code chunkBytes} of file data that follow. */
  public static void snapshotChunkHeader(ByteBuf out, int chunkBytes) {
    out.writeInt(1 + chunkBytes);
    out.writeByte(FrameType.SNAPSHOT_CHUNK.code());
  }

  public static ByteBuf snapshotEnd(ByteBufAllocator alloc, long totalBytes, int crc32c) {
    ByteBuf b = header(alloc, FrameType.SNAPSHOT_END, SnapshotFrameDescriptor.END_BYTES);
    b.writeLong(totalBytes);
    b.writeInt(crc32c);
    return b;
  }

  public static ByteBuf snapshotAck(ByteBufAllocator alloc, boolean ok) {
    ByteBuf b = header(alloc, FrameType.SNAPSHOT_ACK, SnapshotFrameDescriptor.ACK_BYTES);
    b.writeByte(ok ? 1 : 0);
    return b;
  }

  /** A FORWARD_REQUEST or FORWARD_RESPONSE frame ({@link ForwardFrameDescriptor}). */
  public static ByteBuf forward(
      ByteBufAllocator alloc, FrameType type, long correlationId, int code, byte[] payload) {
    if (type != FrameType.FORWARD_REQUEST && type != FrameType.FORWARD_RESPONSE) {
      throw new IllegalArgumentException("not a forward frame type: " + type);
    }
    ByteBuf b = header(alloc, type, ForwardFrameDescriptor.HEADER_BYTES + payload.length);
    b.writeLong(correlationId);
    b.writeByte(code);
    b.writeInt(payload.length);
    b.writeBytes(payload);
    return b;
  }

  private static ByteBuf header(ByteBufAllocator alloc, FrameType type, int bodyBytes) {
    ByteBuf b = alloc.ioBuffer(FrameDescriptor.HEADER_BYTES + bodyBytes);
    b.writeInt(1 + bodyBytes);
    b.writeByte(type.code());
    return b;
  }
}
