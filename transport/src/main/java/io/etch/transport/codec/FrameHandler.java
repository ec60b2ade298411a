package io.etch.transport.codec;

import io.etch.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * What a connection does with each decoded frame. Every method defaults to refusing the frame: a
 * side implements only those its role expects, so any other frame is a protocol violation that
 * closes the connection. Called on the channel's event loop; buffers passed in are only valid
 * during the call.
 */
public interface FrameHandler {
  default void onHello(ChannelHandlerContext ctx, Hello hello) {
    throw unexpected(FrameType.HELLO);
  }

  default void onHelloAck(ChannelHandlerContext ctx, HandshakeStatus status, long acceptorId) {
    throw unexpected(FrameType.HELLO_ACK);
  }

  default void onMessage(ChannelHandlerContext ctx, Message message, int frameBytes) {
    throw unexpected(FrameType.MESSAGE);
  }

  default void onSnapshotBegin(ChannelHandlerContext ctx, long fileBytes, Message snapMessage) {
    throw unexpected(FrameType.SNAPSHOT_BEGIN);
  }

  /** {@code chunk} is readable from its reader index for {@code chunk.readableBytes()}. */
  default void onSnapshotChunk(ChannelHandlerContext ctx, ByteBuf chunk) {
    throw unexpected(FrameType.SNAPSHOT_CHUNK);
  }

  default void onSnapshotEnd(ChannelHandlerContext ctx, long totalBytes, int crc32c) {
    throw unexpected(FrameType.SNAPSHOT_END);
  }

  default void onSnapshotAck(ChannelHandlerContext ctx, boolean ok) {
    throw unexpected(FrameType.SNAPSHOT_ACK);
  }

  /** A request to answer; {@code payload} is a copy the handler may keep. */
  default void onForwardRequest(
      ChannelHandlerContext ctx, long correlationId, int kind, byte[] payload) {
    throw unexpected(FrameType.FORWARD_REQUEST);
  }

  /** The answer to one of our requests; {@code statusCode} checked, {@code payload} a copy. */
  default void onForwardResponse(
      ChannelHandlerContext ctx, long correlationId, int statusCode, byte[] payload) {
    throw unexpected(FrameType.FORWARD_RESPONSE);
  }

  private static ProtocolViolationException unexpected(FrameType type) {
    return new ProtocolViolationException("unexpected " + type + " frame");
  }
}
