package io.etch.transport;

import io.etch.raft.Message;
import io.etch.transport.codec.FrameHandler;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.HandshakeStatus;
import io.etch.transport.codec.Lane;
import io.etch.transport.codec.MessageCodec;
import io.etch.transport.codec.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of one lane to one peer: a bounded queue filled by {@link #offer} from any thread
 * and drained onto a single long-lived connection by its event loop.
 *
 * <p><b>Queue.</b> A lock-free many-to-one queue bounded twice: by message count and by encoded
 * frame bytes; an offer over either bound is dropped and counted, never waited for. Messages stay
 * queued while the connection is down (Raft resends what matters; the bound keeps staleness
 * finite).
 *
 * <p><b>Batching.</b> An offer schedules at most one drain task on the connection's event loop. The
 * drain encodes and writes everything queued while the channel stays writable and flushes once, so
 * a burst of messages costs one syscall. When the socket buffer fills, the channel turns
 * unwritable, the drain stops, and {@code channelWritabilityChanged} resumes it: the queue, not
 * Netty's outbound buffer, absorbs back-pressure, and the queue is bounded.
 *
 * <p><b>Connection.</b> Dial, send HELLO, wait for HELLO_ACK; only then is the channel active for
 * draining. A failed dial or lost connection tells the {@link ReachabilityListener} and re-dials
 * after an exponential back-off with jitter, reset by the next accepted handshake.
 */
final class OutboundLane {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundLane.class);

  private final NettyPeerTransport transport;
  private final Peer peer;
  private final Lane lane;
  private final ManyToOneConcurrentArrayQueue<Message> queue;
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drain;
  private final int maxQueuedMessages;
  private final long maxQueuedBytes;

  private volatile Channel active;
  private Channel dialing;
  private ScheduledFuture<?> reconnectTimer;
  private int consecutiveFailures;
  private boolean everDialled;
  private boolean stopped;

  OutboundLane(NettyPeerTransport transport, Peer peer, Lane lane) {
    this.transport = transport;
    this.peer = peer;
    this.lane = lane;
    this.maxQueuedMessages = transport.settings().maxQueuedMessagesPerPeer();
    this.maxQueuedBytes = transport.settings().maxQueuedBytesPerPeer();
    this.queue = new ManyToOneConcurrentArrayQueue<>(maxQueuedMessages);
  }

  boolean isConnected() {
    return active != null;
  }

  /** The connection whose handshake completed, or null. */
  Channel activeChannel() {
    return active;
  }

  /** Queues {@code m} whose frame is {@code frameBytes} long; false (and counted) when full. */
  boolean offer(Message m, long frameBytes) {
    // Reserve both, then check both: an over-limit reservation is undone exactly.
    int messages = queuedMessages.incrementAndGet();
    long bytes = queuedBytes.addAndGet(frameBytes);
    if (messages > maxQueuedMessages || bytes > maxQueuedBytes) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-frameBytes);
      peer.counters.messagesDropped.increment();
      return false;
    }
    // Cannot fail: the queue's capacity is at least maxQueuedMessages and the count is reserved.
    queue.offer(m);
    Channel ch = active;
    if (ch != null && drainScheduled.compareAndSet(false, true)) {
      ch.eventLoop().execute(drainTask);
    }
    return true;
  }

  private void drain() {
    drainScheduled.set(false);
    Channel ch = active;
    if (ch == null) {
      return;
    }
    int maxFrameBytes = transport.settings().maxFrameBytes();
    boolean wrote = false;
    while (ch.isWritable()) {
      Message m = queue.poll();
      if (m == null) {
        break;
      }
      long frameBytes = MessageCodec.frameBytes(m);
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-frameBytes);
      ByteBuf buf = ch.alloc().ioBuffer((int) frameBytes);
      MessageCodec.writeFrame(m, buf, maxFrameBytes);
      ch.write(buf, ch.voidPromise());
      wrote = true;
      peer.counters.messagesSent.increment();
      peer.counters.bytesOut.add(frameBytes);
    }
    if (wrote) {
      ch.flush();
    }
  }

  synchronized void start() {
    if (!stopped && dialing == null && active == null) {
      dial();
    }
  }

  /** Closes the current connection; the close re-dials (at the peer's current address). */
  void redial() {
    Channel ch;
    synchronized (this) {
      ch = dialing;
      consecutiveFailures = 0;
    }
    if (ch != null) {
      ch.close();
    }
  }

  void stop() {
    Channel ch;
    synchronized (this) {
      stopped = true;
      ch = dialing;
      if (reconnectTimer != null) {
        reconnectTimer.cancel(false);
      }
    }
    if (ch != null) {
      ch.close();
    }
    if (!transport.isClosed()) {
      // The queue has one consumer, the peer's event loop: empty it there.
      peer.eventLoop.execute(this::discardQueued);
    }
  }

  private void discardQueued() {
    for (Message m; (m = queue.poll()) != null; ) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-MessageCodec.frameBytes(m));
    }
  }

  private void dial() {
    if (everDialled) {
      peer.counters.reconnects.increment();
    }
    everDialled = true;
    Channel ch = transport.dial(peer.eventLoop, peer.endpoint(), new DialerSession());
    dialing = ch;
    ch.closeFuture().addListener((ChannelFutureListener) f -> onClosed(f.channel()));
  }

  private void onClosed(Channel ch) {
    if (lane == Lane.CONTROL) {
      peer.forwards.onClosed(ch);
    }
    boolean report;
    synchronized (this) {
      if (active == ch) {
        active = null;
      }
      if (dialing != ch) {
        return;
      }
      dialing = null;
      report = !stopped && !transport.isClosed();
      if (report) {
        long delayNs = transport.backoffNs(consecutiveFailures++);
        reconnectTimer = peer.eventLoop.schedule(this::reconnect, delayNs, TimeUnit.NANOSECONDS);
      }
    }
    if (report) {
      transport.settings().reachability().onUnreachable(peer.memberId());
    }
  }

  private synchronized void reconnect() {
    reconnectTimer = null;
    if (!stopped && !transport.isClosed() && dialing == null) {
      dial();
    }
  }

  private synchronized void onAccepted(Channel ch) {
    if (dialing == ch && !stopped) {
      consecutiveFailures = 0;
      active = ch;
    }
  }

  /** The dialer's side of one connection of this lane: handshake, then writability. */
  private final class DialerSession extends ChannelInboundHandlerAdapter implements FrameHandler {
    private ScheduledFuture<?> handshakeTimeout;

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (handshakeTimeout != null) {
        handshakeTimeout.cancel(false);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshakeTimeout = transport.armHandshakeTimeout(ctx);
      ctx.writeAndFlush(
          Frames.hello(
              ctx.alloc(),
              lane,
              transport.clusterId(),
              transport.settings().localMemberId(),
              peer.memberId(),
              advertisedHost(transport),
              advertisedPort(transport)));
      ctx.fireChannelActive();
    }

    @Override
    public void onHelloAck(ChannelHandlerContext ctx, HandshakeStatus status, long acceptorId) {
      if (active == ctx.channel()) {
        throw new ProtocolViolationException("second HELLO_ACK");
      }
      if (status == HandshakeStatus.REMOVED_MEMBER
          && acceptorId == peer.memberId()
          && transport.peerCertificateMatches(ctx.channel(), peer.memberId())) {
        transport.removedBy(peer.memberId());
      }
      if (status != HandshakeStatus.ACCEPTED) {
        LOG.warn(
            "member {}: member {} at {} refused our {} connection: {}",
            transport.settings().localMemberId(),
            peer.memberId(),
            peer.endpoint(),
            lane,
            status.reason());
        ctx.close();
        return;
      }
      if (acceptorId != peer.memberId()) {
        throw new HandshakeRefusedException(
            peer.memberId(),
            HandshakeStatus.WRONG_RECEIVER,
            "address " + peer.endpoint() + " answered as member " + acceptorId);
      }
      transport.verifyPeerCertificate(ctx.channel(), peer.memberId());
      handshakeTimeout.cancel(false);
      onAccepted(ctx.channel());
      drain();
    }

    @Override
    public void onForwardResponse(
        ChannelHandlerContext ctx, long correlationId, int statusCode, byte[] payload) {
      if (lane != Lane.CONTROL || active != ctx.channel()) {
        throw new ProtocolViolationException("FORWARD_RESPONSE on a " + lane + " connection");
      }
      peer.forwards.onResponse(correlationId, ForwardStatus.fromCode(statusCode), payload);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && active == ctx.channel()) {
        drain();
      }
      ctx.fireChannelWritabilityChanged();
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
