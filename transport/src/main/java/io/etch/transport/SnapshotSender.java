package io.etch.transport;

import io.etch.raft.Message;
import io.etch.transport.codec.FrameDescriptor;
import io.etch.transport.codec.FrameHandler;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.HandshakeStatus;
import io.etch.transport.codec.Lane;
import io.etch.transport.codec.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot file over its own SNAPSHOT connection: HELLO, SNAPSHOT_BEGIN, chunks while
 * the channel is writable (resumed by {@code channelWritabilityChanged}, so at most Netty's
 * high-water mark of the file is ever in memory), SNAPSHOT_END with the CRC32C of everything sent,
 * then waits for the receiver's SNAPSHOT_ACK. Any close before a positive ack fails the transfer;
 * the receiver deletes its temp file and Raft retries. File reads happen on the event loop, one
 * chunk at a time. One instance per transfer.
 */
final class SnapshotSender extends ChannelInboundHandlerAdapter implements FrameHandler {
  private final NettyPeerTransport transport;
  private final Peer peer;
  private final Message snapMessage;
  private final FileChannel file;
  private final long fileBytes;
  private final SnapshotCallback callback;
  private final CRC32C crc = new CRC32C();
  private long position;
  private boolean streaming;
  private boolean endSent;
  private boolean completed;
  private ScheduledFuture<?> handshakeTimeout;

  SnapshotSender(
      NettyPeerTransport transport,
      Peer peer,
      Message snapMessage,
      FileChannel file,
      long fileBytes,
      SnapshotCallback callback) {
    this.transport = transport;
    this.peer = peer;
    this.snapMessage = snapMessage;
    this.file = file;
    this.fileBytes = fileBytes;
    this.callback = callback;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handshakeTimeout = transport.armHandshakeTimeout(ctx);
    ctx.writeAndFlush(
        Frames.hello(
            ctx.alloc(),
            Lane.SNAPSHOT,
            transport.clusterId(),
            transport.settings().localMemberId(),
            peer.memberId(),
            advertisedHost(transport),
            advertisedPort(transport)));
    ctx.fireChannelActive();
  }

  @Override
  public void onHelloAck(ChannelHandlerContext ctx, HandshakeStatus status, long acceptorId) {
    if (streaming) {
      throw new ProtocolViolationException("second HELLO_ACK");
    }
    if (status != HandshakeStatus.ACCEPTED || acceptorId != peer.memberId()) {
      throw new HandshakeRefusedException(
          peer.memberId(), status, "snapshot connection answered by member " + acceptorId);
    }
    transport.verifyPeerCertificate(ctx.channel(), peer.memberId());
    handshakeTimeout.cancel(false);
    transport.armSnapshotIdleTimeout(ctx);
    streaming = true;
    ctx.write(
        Frames.snapshotBegin(
            ctx.alloc(), fileBytes, snapMessage, transport.settings().maxFrameBytes()));
    pump(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (streaming && ctx.channel().isWritable()) {
      pump(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void pump(ChannelHandlerContext ctx) {
    int chunkBytes = transport.settings().snapshotChunkBytes();
    while (position < fileBytes && ctx.channel().isWritable()) {
      int n = (int) Math.min(chunkBytes, fileBytes - position);
      ByteBuf buf = ctx.alloc().ioBuffer(FrameDescriptor.HEADER_BYTES + n);
      try {
        Frames.snapshotChunkHeader(buf, n);
        int start = buf.writerIndex();
        while (buf.writerIndex() - start < n) {
          int read =
              buf.writeBytes(
                  file, position + (buf.writerIndex() - start), n - (buf.writerIndex() - start));
          if (read < 0) {
            throw new SnapshotTransferException(
                peer.memberId(),
                "file shrank to " + (position + buf.writerIndex() - start) + " bytes");
          }
        }
        crc.update(buf.nioBuffer(start, n));
      } catch (IOException e) {
        buf.release();
        throw new SnapshotTransferException(peer.memberId(), "cannot read snapshot file", e);
      } catch (RuntimeException e) {
        buf.release();
        throw e;
      }
      position += n;
      ctx.write(buf, ctx.voidPromise());
    }
    if (position == fileBytes && !endSent) {
      endSent = true;
      ctx.write(Frames.snapshotEnd(ctx.alloc(), fileBytes, (int) crc.getValue()));
    }
    ctx.flush();
  }

  @Override
  public void onSnapshotAck(ChannelHandlerContext ctx, boolean ok) {
    if (!endSent) {
      throw new ProtocolViolationException("SNAPSHOT_ACK before SNAPSHOT_END");
    }
    complete(ok ? null : new SnapshotTransferException(peer.memberId(), "receiver rejected it"));
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    complete(
        root instanceof TransportException te
            ? te
            : new SnapshotTransferException(peer.memberId(), "transfer failed", root));
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      complete(
          new SnapshotTransferException(
              peer.memberId(),
              "no progress after " + position + " of " + fileBytes + " bytes; receiver stalled"));
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    complete(
        new SnapshotTransferException(
            peer.memberId(),
            "connection closed after " + position + " of " + fileBytes + " bytes, before the ack"));
    ctx.fireChannelInactive();
  }

  /** Completes the transfer with {@code failure}, or success when null; only the first counts. */
  void complete(TransportException failure) {
    if (completed) {
      return;
    }
    completed = true;
    try {
      file.close();
    } catch (IOException e) {
      // The transfer's outcome is already decided; a failing close of a read-only file changes
      // nothing for the receiver or for Raft.
    }
    peer.snapshotInFlight.set(false);
    if (failure == null) {
      peer.counters.snapshotsSent.increment();
      callback.onSent(snapMessage);
    } else {
      peer.counters.snapshotsFailed.increment();
      callback.onFailed(snapMessage, failure);
    }
  }

  private static String advertisedHost(NettyPeerTransport transport) {
    java.net.InetSocketAddress a = transport.advertisedAddress();
    return a == null ? null : a.getHostString();
  }

  private static int advertisedPort(NettyPeerTransport transport) {
    java.net.InetSocketAddress a = transport.advertisedAddress();
    return a == null ? 0 : a.getPort();
  }
}
