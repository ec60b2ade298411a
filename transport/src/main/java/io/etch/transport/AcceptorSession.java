package io.etch.transport;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.codec.FrameHandler;
import io.etch.transport.codec.FrameType;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.HandshakeDescriptor;
import io.etch.transport.codec.HandshakeStatus;
import io.etch.transport.codec.Hello;
import io.etch.transport.codec.Lane;
import io.etch.transport.codec.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of one inbound connection: checks the HELLO, then hands messages to the node's
 * {@link Inbound} or, on a SNAPSHOT lane, writes the stream through a {@link SnapshotReceiver}. One
 * instance per channel; runs on its event loop only.
 */
final class AcceptorSession extends ChannelInboundHandlerAdapter implements FrameHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptorSession.class);

  private final NettyPeerTransport transport;
  private Peer peer;
  private Lane lane;
  private SnapshotReceiver snapshot;
  private ScheduledFuture<?> handshakeTimeout;
  private int forwardsInFlight;

  AcceptorSession(NettyPeerTransport transport) {
    this.transport = transport;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // An accepted channel is connected already: the handshake clock starts now.
    handshakeTimeout = transport.armHandshakeTimeout(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      LOG.warn(
          "member {}: snapshot stream from member {} stalled; dropping it",
          transport.settings().localMemberId(),
          peer.memberId());
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void onHello(ChannelHandlerContext ctx, Hello hello) {
    if (peer != null) {
      throw new ProtocolViolationException("second HELLO from member " + peer.memberId());
    }
    TransportSettings s = transport.settings();
    HandshakeStatus status;
    Peer candidate = null;
    if (hello.magic() != HandshakeDescriptor.MAGIC
        || hello.version() != HandshakeDescriptor.PROTOCOL_VERSION) {
      status = HandshakeStatus.BAD_VERSION;
    } else if (hello.receiverId() != s.localMemberId()) {
      status = HandshakeStatus.WRONG_RECEIVER;
    } else if (transport.clusterId() != 0 && hello.clusterId() != transport.clusterId()) {
      status = HandshakeStatus.WRONG_CLUSTER;
    } else if (!transport.peerCertificateMatches(ctx.channel(), hello.senderId())) {
      // before admission: a member nobody knows yet is admitted only with its certificate
      status = HandshakeStatus.IDENTITY_MISMATCH;
    } else if (transport.wasRemoved(hello.senderId())) {
      status = HandshakeStatus.REMOVED_MEMBER;
    } else if ((candidate = known(hello)) == null && (candidate = admitted(hello)) == null) {
      status =
          transport.clusterId() == 0
              ? HandshakeStatus.WRONG_CLUSTER
              : HandshakeStatus.UNKNOWN_MEMBER;
    } else {
      status = HandshakeStatus.ACCEPTED;
    }
    if (status != HandshakeStatus.ACCEPTED) {
      transport.countRefusedHandshake();
      LOG.warn(
          "member {} (cluster {}): refused {} connection from {} claiming member {} of cluster {}"
              + " for member {} (protocol {}): {}",
          s.localMemberId(),
          Long.toHexString(transport.clusterId()),
          hello.lane(),
          ctx.channel().remoteAddress(),
          hello.senderId(),
          Long.toHexString(hello.clusterId()),
          hello.receiverId(),
          hello.version(),
          status.reason());
      ctx.writeAndFlush(Frames.helloAck(ctx.alloc(), status, s.localMemberId()))
          .addListener(ChannelFutureListener.CLOSE);
      ctx.channel().close();
      return;
    }
    handshakeTimeout.cancel(false);
    peer = candidate;
    lane = hello.lane();
    if (lane == Lane.SNAPSHOT) {
      transport.armSnapshotIdleTimeout(ctx);
    }
    peer.inboundChannels.add(ctx.channel());
    if (peer.removed()) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(Frames.helloAck(ctx.alloc(), status, s.localMemberId()));
  }

  private Peer known(Hello hello) {
    return transport.clusterId() == 0 ? null : transport.peer(hello.senderId());
  }

  /** A member this transport does not know: the {@link PeerAdmission} decides. */
  private Peer admitted(Hello hello) {
    if (!hello.hasAdvertisedAddress()) {
      return null;
    }
    return transport.admit(
        hello.clusterId(),
        hello.senderId(),
        InetSocketAddress.createUnresolved(hello.advertisedHost(), hello.advertisedPort()));
  }

  @Override
  public void onMessage(ChannelHandlerContext ctx, Message message, int frameBytes) {
    requireLane(Lane.CONTROL, Lane.DATA);
    checkAddressing(message);
    if (peer.removed()) {
      ctx.close();
      return;
    }
    peer.counters.bytesIn.add(frameBytes);
    if (transport.settings().inbound().offer(message)) {
      peer.counters.messagesReceived.increment();
    } else {
      peer.counters.inboundDropped.increment();
    }
  }

  @Override
  public void onForwardRequest(
      ChannelHandlerContext ctx, long correlationId, int kind, byte[] payload) {
    requireLane(Lane.CONTROL, Lane.CONTROL);
    if (peer.removed()) {
      ctx.close();
      return;
    }
    TransportSettings s = transport.settings();
    if (payload.length > s.maxForwardPayloadBytes()) {
      throw new ProtocolViolationException(
          "FORWARD_REQUEST payload of "
              + payload.length
              + " bytes, over maxForwardPayloadBytes "
              + s.maxForwardPayloadBytes());
    }
    if (forwardsInFlight >= s.maxForwardsInFlightPerPeer()) {
      ctx.writeAndFlush(
          Frames.forward(
              ctx.alloc(),
              FrameType.FORWARD_RESPONSE,
              correlationId,
              ForwardStatus.BUSY.code(),
              new byte[0]));
      return;
    }
    forwardsInFlight++;
    Reply reply = new Reply(ctx.channel(), correlationId);
    try {
      s.inbound().onForward(peer.memberId(), kind, payload, reply);
    } catch (RuntimeException e) {
      LOG.error(
          "member {}: handling a forwarded request of kind {} from member {} failed",
          s.localMemberId(),
          kind,
          peer.memberId(),
          e);
      reply.refuse(ForwardStatus.FAILED);
    }
  }

  /** Answers one forwarded request on the connection it came on, once, from any thread. */
  private final class Reply implements ForwardReply {
    private final Channel channel;
    private final long correlationId;
    private final AtomicBoolean answered = new AtomicBoolean();

    Reply(Channel channel, long correlationId) {
      this.channel = channel;
      this.correlationId = correlationId;
    }

    @Override
    public void complete(byte[] payload) {
      Objects.requireNonNull(payload, "payload");
      if (payload.length > transport.settings().maxForwardPayloadBytes()) {
        LOG.warn(
            "member {}: answer of {} bytes to member {} over maxForwardPayloadBytes {}",
            transport.settings().localMemberId(),
            payload.length,
            peer.memberId(),
            transport.settings().maxForwardPayloadBytes());
        answer(ForwardStatus.TOO_LARGE, new byte[0]);
      } else {
        answer(ForwardStatus.OK, payload);
      }
    }

    @Override
    public void refuse(ForwardStatus status) {
      if (status == ForwardStatus.OK) {
        throw new IllegalArgumentException("refuse needs a failure status, got OK");
      }
      answer(status, new byte[0]);
    }

    private void answer(ForwardStatus status, byte[] payload) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      try {
        channel
            .eventLoop()
            .execute(
                () -> {
                  forwardsInFlight--;
                  if (channel.isActive()) {
                    channel.writeAndFlush(
                        Frames.forward(
                            channel.alloc(),
                            FrameType.FORWARD_RESPONSE,
                            correlationId,
                            status.code(),
                            payload));
                  }
                });
      } catch (RejectedExecutionException e) {
        // the transport is closing: the requester fails the call when the connection drops
      }
    }
  }

  @Override
  public void onSnapshotBegin(ChannelHandlerContext ctx, long fileBytes, Message snapMessage) {
    requireLane(Lane.SNAPSHOT, Lane.SNAPSHOT);
    if (snapshot != null) {
      throw new ProtocolViolationException("second SNAPSHOT_BEGIN on one connection");
    }
    if (snapMessage.type() != MessageType.SNAP) {
      throw new ProtocolViolationException("SNAPSHOT_BEGIN carries " + snapMessage.type());
    }
    checkAddressing(snapMessage);
    long max = transport.settings().maxSnapshotBytes();
    if (fileBytes < 0 || fileBytes > max) {
      throw new SnapshotTransferException(
          peer.memberId(), "announced " + fileBytes + " bytes, limit maxSnapshotBytes " + max);
    }
    snapshot =
        new SnapshotReceiver(
            transport.settings().snapshotDirectory(), peer.memberId(), snapMessage, fileBytes);
  }

  @Override
  public void onSnapshotChunk(ChannelHandlerContext ctx, ByteBuf chunk) {
    requireSnapshot().write(chunk);
    peer.counters.bytesIn.add(chunk.readableBytes());
  }

  @Override
  public void onSnapshotEnd(ChannelHandlerContext ctx, long totalBytes, int crc32c) {
    SnapshotReceiver r = requireSnapshot();
    Path file;
    try {
      file = r.finish(totalBytes, crc32c);
    } catch (SnapshotTransferException e) {
      r.abort();
      LOG.warn("member {}: {}", transport.settings().localMemberId(), e.getMessage());
      ctx.writeAndFlush(Frames.snapshotAck(ctx.alloc(), false))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(Frames.snapshotAck(ctx.alloc(), true));
    transport.settings().inbound().onSnapshot(r.snapMessage(), file);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    if (snapshot != null) {
      snapshot.abort();
    }
    if (peer != null) {
      peer.inboundChannels.remove(ctx.channel());
    }
    ctx.fireChannelInactive();
  }

  private SnapshotReceiver requireSnapshot() {
    if (snapshot == null) {
      throw new ProtocolViolationException("snapshot frame before SNAPSHOT_BEGIN");
    }
    return snapshot;
  }

  private void requireLane(Lane a, Lane b) {
    if (peer == null) {
      throw new ProtocolViolationException("frame before HELLO");
    }
    if (lane != a && lane != b) {
      throw new ProtocolViolationException("frame not allowed on a " + lane + " connection");
    }
  }

  private void checkAddressing(Message m) {
    if (m.from() != peer.memberId() || m.to() != transport.settings().localMemberId()) {
      throw new ProtocolViolationException(
          "message "
              + m.from()
              + "->"
              + m.to()
              + " on the connection of member "
              + peer.memberId()
              + " to member "
              + transport.settings().localMemberId());
    }
  }
}
