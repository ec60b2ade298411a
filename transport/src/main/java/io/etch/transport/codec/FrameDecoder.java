package io.etch.transport.codec;

import io.etch.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into frames ({@link FrameDescriptor}) and hands each, decoded, to
 * the connection's {@link FrameHandler}. This is the edge where buffers end: frame bodies are read
 * in place from the cumulation and copied into plain objects; no {@link ByteBuf} leaves this class
 * except as a view passed for the duration of {@link FrameHandler#onSnapshotChunk}. The cumulation
 * itself is released by {@link ByteToMessageDecoder} when the channel goes inactive or the handler
 * is removed.
 *
 * <p>An announced length above {@code maxFrameBytes} fails at once with {@link
 * FrameTooLargeException}, before the frame is buffered. Any decoding error propagates as an
 * exception; {@link ConnectionGuard} logs it and closes the connection. Once the channel is closed
 * the remaining bytes are discarded. One instance per channel.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private final FrameHandler handler;
  private final MessageFlyweight flyweight = new MessageFlyweight();
  private final ForwardFlyweight forward = new ForwardFlyweight();

  public FrameDecoder(int maxFrameBytes, FrameHandler handler) {
    this.maxFrameBytes = maxFrameBytes;
    this.handler = handler;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= FrameDescriptor.LENGTH_FIELD_BYTES) {
      if (!ctx.channel().isOpen()) {
        in.skipBytes(in.readableBytes());
        return;
      }
      int start = in.readerIndex();
      int length = in.getInt(start + FrameDescriptor.LENGTH_OFFSET);
      if (length < 1) {
        throw new MalformedFrameException("frame length " + length + " is below 1");
      }
      if (length > maxFrameBytes) {
        throw new FrameTooLargeException(length & 0xFFFF_FFFFL, maxFrameBytes);
      }
      if (in.readableBytes() < FrameDescriptor.LENGTH_FIELD_BYTES + length) {
        return;
      }
      int body = start + FrameDescriptor.BODY_OFFSET;
      int bodyLength = length - 1;
      in.readerIndex(start + FrameDescriptor.LENGTH_FIELD_BYTES + length);
      FrameType type = FrameType.fromCode(in.getUnsignedByte(start + FrameDescriptor.TYPE_OFFSET));
      dispatch(ctx, type, in, body, bodyLength, length + FrameDescriptor.LENGTH_FIELD_BYTES);
    }
  }

  private void dispatch(
      ChannelHandlerContext ctx,
      FrameType type,
      ByteBuf in,
      int body,
      int bodyLength,
      int frameBytes) {
    switch (type) {
      case HELLO -> {
        String advertisedHost = "";
        int advertisedPort = 0;
        if (bodyLength != HandshakeDescriptor.HELLO_BYTES) {
          if (bodyLength < HandshakeDescriptor.ADVERTISED_HOST_OFFSET
              || bodyLength > HandshakeDescriptor.MAX_HELLO_BYTES) {
            throw new MalformedFrameException(
                type
                    + " body of "
                    + bodyLength
                    + " bytes, expected "
                    + HandshakeDescriptor.HELLO_BYTES
                    + " or "
                    + HandshakeDescriptor.ADVERTISED_HOST_OFFSET
                    + ".."
                    + HandshakeDescriptor.MAX_HELLO_BYTES);
          }
          int hostBytes =
              in.getUnsignedByte(body + HandshakeDescriptor.ADVERTISED_HOST_LENGTH_OFFSET);
          requireLength(type, bodyLength, HandshakeDescriptor.ADVERTISED_HOST_OFFSET + hostBytes);
          advertisedPort = in.getUnsignedShort(body + HandshakeDescriptor.ADVERTISED_PORT_OFFSET);
          advertisedHost =
              in.toString(
                  body + HandshakeDescriptor.ADVERTISED_HOST_OFFSET,
                  hostBytes,
                  java.nio.charset.StandardCharsets.UTF_8);
        }
        handler.onHello(
            ctx,
            new Hello(
                in.getInt(body + HandshakeDescriptor.MAGIC_OFFSET),
                in.getUnsignedShort(body + HandshakeDescriptor.VERSION_OFFSET),
                Lane.fromCode(in.getUnsignedByte(body + HandshakeDescriptor.LANE_OFFSET)),
                in.getLong(body + HandshakeDescriptor.CLUSTER_ID_OFFSET),
                in.getLong(body + HandshakeDescriptor.SENDER_ID_OFFSET),
                in.getLong(body + HandshakeDescriptor.RECEIVER_ID_OFFSET),
                advertisedHost,
                advertisedPort));
      }
      case HELLO_ACK -> {
        requireLength(type, bodyLength, HandshakeDescriptor.HELLO_ACK_BYTES);
        handler.onHelloAck(
            ctx,
            HandshakeStatus.fromCode(in.getUnsignedByte(body + HandshakeDescriptor.STATUS_OFFSET)),
            in.getLong(body + HandshakeDescriptor.ACCEPTOR_ID_OFFSET));
      }
      case MESSAGE -> {
        Message m = MessageCodec.readBody(in, body, bodyLength, flyweight);
        handler.onMessage(ctx, m, frameBytes);
      }
      case SNAPSHOT_BEGIN -> {
        if (bodyLength < SnapshotFrameDescriptor.BEGIN_MESSAGE_OFFSET) {
          throw new MalformedFrameException("SNAPSHOT_BEGIN of " + bodyLength + " bytes");
        }
        long fileBytes = in.getLong(body + SnapshotFrameDescriptor.BEGIN_FILE_BYTES_OFFSET);
        Message m =
            MessageCodec.readBody(
                in,
                body + SnapshotFrameDescriptor.BEGIN_MESSAGE_OFFSET,
                bodyLength - SnapshotFrameDescriptor.BEGIN_MESSAGE_OFFSET,
                flyweight);
        handler.onSnapshotBegin(ctx, fileBytes, m);
      }
      case SNAPSHOT_CHUNK -> {
        if (bodyLength == 0) {
          throw new MalformedFrameException("empty SNAPSHOT_CHUNK");
        }
        handler.onSnapshotChunk(ctx, in.slice(body, bodyLength));
      }
      case SNAPSHOT_END -> {
        requireLength(type, bodyLength, SnapshotFrameDescriptor.END_BYTES);
        handler.onSnapshotEnd(
            ctx,
            in.getLong(body + SnapshotFrameDescriptor.END_TOTAL_BYTES_OFFSET),
            in.getInt(body + SnapshotFrameDescriptor.END_CRC_OFFSET));
      }
      case SNAPSHOT_ACK -> {
        requireLength(type, bodyLength, SnapshotFrameDescriptor.ACK_BYTES);
        int status = in.getUnsignedByte(body);
        if (status > 1) {
          throw new MalformedFrameException("SNAPSHOT_ACK status " + status);
        }
        handler.onSnapshotAck(ctx, status == 1);
      }
      case FORWARD_REQUEST, FORWARD_RESPONSE -> {
        if (bodyLength < ForwardFrameDescriptor.HEADER_BYTES) {
          throw new MalformedFrameException(type + " body of " + bodyLength + " bytes");
        }
        forward.wrap(in, body);
        try {
          long correlationId = forward.correlationId();
          int code = forward.code();
          int payloadLength = forward.payloadLength();
          if (payloadLength != bodyLength - ForwardFrameDescriptor.HEADER_BYTES) {
            throw new MalformedFrameException(
                type
                    + " announces a payload of "
                    + payloadLength
                    + " bytes in a body of "
                    + bodyLength);
          }
          byte[] payload = forward.payload();
          if (type == FrameType.FORWARD_REQUEST) {
            handler.onForwardRequest(ctx, correlationId, code, payload);
          } else {
            handler.onForwardResponse(ctx, correlationId, code, payload);
          }
        } finally {
          forward.unwrap();
        }
      }
    }
  }

  private static void requireLength(FrameType type, int actual, int expected) {
    if (actual != expected) {
      throw new MalformedFrameException(
          type + " body of " + actual + " bytes, expected " + expected);
    }
  }
}
