package io.etch.transport;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.codec.ConnectionGuard;
import io.etch.transport.codec.ForwardFrameDescriptor;
import io.etch.transport.codec.FrameDecoder;
import io.etch.transport.codec.FrameHandler;
import io.etch.transport.codec.FrameTooLargeException;
import io.etch.transport.codec.HandshakeStatus;
import io.etch.transport.codec.Lane;
import io.etch.transport.codec.MessageCodec;
import io.etch.transport.tls.PeerIdentityVerifier;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link PeerTransport}.
 *
 * <p><b>Connections.</b> Each member dials each peer twice: a CONTROL connection for heartbeats,
 * votes, responses and read-index traffic, and a DATA connection for appends and proposals; a
 * snapshot gets a connection of its own for the length of the transfer. Connections are one-way:
 * the dialer only writes messages, the acceptor only reads them (and answers the handshake and
 * snapshot acks). So a heartbeat never waits behind an append or a snapshot: they share no socket
 * buffer, no queue and no flush.
 *
 * <p><b>Threads.</b> No thread of its own: everything runs on the event loops of a group the
 * transport creates (and shuts down on close) or one the caller shares (and keeps). Each peer is
 * pinned to one event loop, so its lanes' queues have one consumer. {@link #send} is lock-free; the
 * inbound path decodes on the event loop and calls only {@link Inbound}, which enqueues.
 *
 * <p><b>Membership.</b> Peers live in a copy-on-write {@link Long2ObjectHashMap} published through
 * a volatile field: sends read it without locks, membership changes (rare) copy it under a lock.
 *
 * <p><b>Security.</b> With {@link io.etch.transport.tls.TlsConfig} both sides present certificates
 * of a trusted CA and each checks the other's identity against the member id of the handshake
 * ({@link PeerIdentityVerifier}); plaintext bytes fail the TLS handshake.
 */
final class NettyPeerTransport implements PeerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(NettyPeerTransport.class);

  private final TransportSettings settings;
  private final LongAdder handshakesRefused = new LongAdder();
  private final LongAdder connectionErrors = new LongAdder();
  private final LongAdder messagesToUnknownPeers = new LongAdder();
  private final LongAdder localMessagesDropped = new LongAdder();
  private final LongAdder inboundConnectionsRefused = new LongAdder();
  private final AtomicInteger inboundConnectionsOpen = new AtomicInteger();
  private final AtomicLong forwardCorrelationIds = new AtomicLong();
  private final Object lifecycleLock = new Object();

  private volatile Long2ObjectHashMap<Peer> peers = new Long2ObjectHashMap<>();

  /** Members removed with {@link #removePeer}: their handshakes are refused as REMOVED_MEMBER. */
  private volatile org.agrona.collections.LongHashSet removedMembers =
      new org.agrona.collections.LongHashSet();

  /** The cluster id; 0 until adopted from the first admitted peer when built without one. */
  private volatile long clusterId;

  /** Where this member says it listens (in its HELLOs); null: not advertised. */
  private volatile InetSocketAddress advertised;

  private volatile boolean closed;
  private boolean started;
  private IoSupport ioSupport;
  private SslContext serverSsl;
  private SslContext clientSsl;
  private Channel serverChannel;
  private ChannelGroup channels;

  NettyPeerTransport(TransportSettings settings) {
    this.settings = settings;
    this.clusterId = settings.clusterId();
  }

  /** The cluster id in use: the configured one, or the one adopted from an admitted peer. */
  long clusterId() {
    return clusterId;
  }

  /** Whether {@code memberId} was removed with {@link #removePeer} (and not added back). */
  boolean wasRemoved(long memberId) {
    return removedMembers.contains(memberId);
  }

  /** Event loop: a peer refused our connection because it removed us from the cluster. */
  void removedBy(long peerId) {
    settings.removalListener().removedBy(peerId);
  }

  /** The advertised listen address sent in HELLOs, or null. */
  InetSocketAddress advertisedAddress() {
    return advertised;
  }

  /**
   * Event loop, during a handshake from a member that is not a peer: asks the {@link
   * PeerAdmission}, and when it admits, adopts the cluster id (if none yet) and adds the dialer as
   * a peer at its advertised address. Returns the peer, or null when refused.
   */
  Peer admit(long helloClusterId, long senderId, InetSocketAddress advertisedAddress) {
    if (advertisedAddress == null
        || senderId <= 0
        || senderId == settings.localMemberId()
        || !settings.admission().admit(helloClusterId, senderId, advertisedAddress)) {
      return null;
    }
    synchronized (lifecycleLock) {
      if (closed) {
        return null;
      }
      if (clusterId == 0) {
        clusterId = helloClusterId;
        LOG.info(
            "member {} adopted cluster id {} from member {}",
            settings.localMemberId(),
            Long.toHexString(helloClusterId),
            senderId);
      } else if (clusterId != helloClusterId) {
        return null;
      }
    }
    Peer existing = peers.get(senderId);
    if (existing != null) {
      return existing;
    }
    try {
      addPeer(
          new PeerEndpoint(
              senderId, advertisedAddress.getHostString(), advertisedAddress.getPort()));
    } catch (IllegalArgumentException e) {
      // another connection of the same member admitted it first
    }
    return peers.get(senderId);
  }

  TransportSettings settings() {
    return settings;
  }

  IoSupport io() {
    return ioSupport;
  }

  boolean isClosed() {
    return closed;
  }

  Peer peer(long memberId) {
    return peers.get(memberId);
  }

  void countRefusedHandshake() {
    handshakesRefused.increment();
  }

  @Override
  public void start() {
    synchronized (lifecycleLock) {
      if (started || closed) {
        throw new IllegalStateException(
            "transport of member " + settings.localMemberId() + " already started or closed");
      }
      started = true;
      try {
        if (settings.tls() != null) {
          serverSsl = settings.tls().newServerContext();
          clientSsl = settings.tls().newClientContext();
        }
      } catch (SSLException e) {
        throw new TransportException("cannot load TLS material: " + e.getMessage(), e);
      }
      ioSupport = IoSupport.create(settings);
      channels = new DefaultChannelGroup(ioSupport.group().next());
      ServerBootstrap b =
          new ServerBootstrap()
              .group(ioSupport.group())
              .channel(ioSupport.serverChannelType())
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      initAcceptedChannel(ch);
                    }
                  });
      // the peer table exists before the port is bound: a peer dialling in at once is known,
      // rather than refused as unknown and left to wait out its reconnect back-off
      Long2ObjectHashMap<Peer> initial = new Long2ObjectHashMap<>();
      for (PeerEndpoint p : settings.initialPeers()) {
        initial.put(p.memberId(), new Peer(this, p));
      }
      peers = initial;
      try {
        serverChannel = b.bind(settings.listenAddress()).sync().channel();
      } catch (Exception e) {
        shutdownGroup();
        throw new TransportException(
            "member " + settings.localMemberId() + " cannot listen on " + settings.listenAddress(),
            e);
      }
      LOG.info(
          "member {} of cluster {} listening on {} ({}, {})",
          settings.localMemberId(),
          Long.toHexString(clusterId),
          serverChannel.localAddress(),
          ioSupport.channelType().getSimpleName(),
          settings.tls() != null ? "mutual TLS" : "plaintext");
      advertised = advertisedAddressOf((InetSocketAddress) serverChannel.localAddress());
      for (Peer p : initial.values()) {
        p.start();
      }
    }
  }

  private InetSocketAddress advertisedAddressOf(InetSocketAddress bound) {
    if (settings.advertisedAddress() != null) {
      return settings.advertisedAddress();
    }
    InetSocketAddress listen = settings.listenAddress();
    if (listen.getAddress() != null && listen.getAddress().isAnyLocalAddress()) {
      return null;
    }
    return new InetSocketAddress(listen.getHostString(), bound.getPort());
  }

  @Override
  public InetSocketAddress localAddress() {
    Channel ch = serverChannel;
    if (ch == null) {
      throw new IllegalStateException(
          "transport of member " + settings.localMemberId() + " not started");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  @Override
  public boolean send(Message message) {
    if (message.type().isLocal()) {
      // A caller bug, but send must never throw on the raft thread: drop, count and say so.
      localMessagesDropped.increment();
      LOG.error(
          "member {}: dropped {}: local message types never go over the network",
          settings.localMemberId(),
          message);
      return false;
    }
    Lane lane = laneOf(message);
    Peer p = peers.get(message.to());
    if (p == null) {
      messagesToUnknownPeers.increment();
      return false;
    }
    long frameBytes = MessageCodec.frameBytes(message);
    if (frameBytes > settings.maxFrameBytes()) {
      p.counters.messagesDropped.increment();
      LOG.warn(
          "member {}: dropped {} of {} bytes, over maxFrameBytes {}",
          settings.localMemberId(),
          message,
          frameBytes,
          settings.maxFrameBytes());
      return false;
    }
    return p.lane(lane).offer(message, frameBytes);
  }

  /**
   * Which lane carries {@code m}.
   *
   * @throws IllegalArgumentException for local messages
   */
  static Lane laneOf(Message m) {
    return switch (m.type()) {
      case APP, PROP, SNAP -> Lane.DATA;
      case HEARTBEAT,
          HEARTBEAT_RESP,
          VOTE,
          VOTE_RESP,
          PRE_VOTE,
          PRE_VOTE_RESP,
          APP_RESP,
          TIMEOUT_NOW,
          TRANSFER_LEADER,
          READ_INDEX,
          READ_INDEX_RESP ->
          Lane.CONTROL;
      case HUP, BEAT, UNREACHABLE, SNAP_STATUS, CHECK_QUORUM ->
          throw new IllegalArgumentException(
              "local message " + m + " is never sent over the network");
    };
  }

  @Override
  public void sendSnapshot(Message snapMessage, Path file, SnapshotCallback callback) {
    Objects.requireNonNull(callback, "callback");
    if (snapMessage.type() != MessageType.SNAP) {
      throw new IllegalArgumentException("sendSnapshot needs a SNAP message, got " + snapMessage);
    }
    Peer p = peers.get(snapMessage.to());
    if (p == null || closed) {
      callback.onFailed(
          snapMessage,
          new SnapshotTransferException(
              snapMessage.to(), closed ? "transport closed" : "not a known member"));
      return;
    }
    if (!p.snapshotInFlight.compareAndSet(false, true)) {
      p.counters.snapshotsFailed.increment();
      callback.onFailed(
          snapMessage,
          new SnapshotTransferException(p.memberId(), "another transfer to it is running"));
      return;
    }
    FileChannel fc;
    long size;
    try {
      fc = FileChannel.open(file);
      size = fc.size();
    } catch (IOException e) {
      p.snapshotInFlight.set(false);
      p.counters.snapshotsFailed.increment();
      callback.onFailed(
          snapMessage, new SnapshotTransferException(p.memberId(), "cannot open " + file, e));
      return;
    }
    SnapshotSender sender = new SnapshotSender(this, p, snapMessage, fc, size, callback);
    Channel ch = dial(p.eventLoop, p.endpoint(), sender);
    ch.closeFuture()
        .addListener(
            (ChannelFutureListener)
                f ->
                    sender.complete(
                        new SnapshotTransferException(
                            p.memberId(), "connection to " + p.endpoint() + " closed")));
  }

  @Override
  public CompletableFuture<byte[]> forward(long memberId, int kind, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (kind < 0 || kind > 255) {
      throw new IllegalArgumentException("forward kind must be in [0, 255], got " + kind);
    }
    if (payload.length > settings.maxForwardPayloadBytes()) {
      return CompletableFuture.failedFuture(
          new FrameTooLargeException(
              1L + ForwardFrameDescriptor.HEADER_BYTES + payload.length,
              1 + ForwardFrameDescriptor.HEADER_BYTES + settings.maxForwardPayloadBytes()));
    }
    Peer p = peers.get(memberId);
    if (p == null || closed) {
      return CompletableFuture.failedFuture(
          new PeerUnavailableException(
              memberId, closed ? "transport closed" : "not a known member"));
    }
    return p.forwards.forward(forwardCorrelationIds.incrementAndGet(), kind, payload);
  }

  /** Sets up the pipeline of a connection a peer opened to us. */
  void initAcceptedChannel(Channel ch) {
    if (inboundConnectionsOpen.incrementAndGet() > settings.maxInboundConnections()) {
      inboundConnectionsOpen.decrementAndGet();
      inboundConnectionsRefused.increment();
      LOG.warn(
          "member {}: refused connection from {}: {} inbound connections already open (limit)",
          settings.localMemberId(),
          ch.remoteAddress(),
          settings.maxInboundConnections());
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> inboundConnectionsOpen.decrementAndGet());
    channels.add(ch);
    AcceptorSession session = new AcceptorSession(this);
    initPipeline(ch, session, session, false);
  }

  /** Opens an outbound connection whose frames go to {@code handler}; returns its channel. */
  Channel dial(EventLoop loop, PeerEndpoint to, ChannelHandler handler) {
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(ioSupport.channelType())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs())
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    initPipeline(ch, (FrameHandler) handler, handler, true);
                  }
                });
    Channel ch = b.connect(to.socketAddress()).channel();
    channels.add(ch);
    return ch;
  }

  private void initPipeline(
      Channel ch, FrameHandler frames, ChannelHandler session, boolean client) {
    SslContext ssl = client ? clientSsl : serverSsl;
    if (ssl != null) {
      ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
    }
    ch.pipeline()
        .addLast("frames", new FrameDecoder(settings.maxFrameBytes(), frames))
        .addLast("session", session)
        .addLast(
            "guard",
            new ConnectionGuard(
                "member " + settings.localMemberId(), e -> connectionErrors.increment()));
  }

  /**
   * Closes the connection of {@code ctx} unless the returned future is cancelled within the
   * handshake timeout (a silent or slow peer must not hold a connection forever).
   */
  ScheduledFuture<?> armHandshakeTimeout(ChannelHandlerContext ctx) {
    return ctx.executor()
        .schedule(
            () -> {
              if (ctx.channel().isOpen()) {
                connectionErrors.increment();
                LOG.warn(
                    "member {}: no handshake within {} ms on {} -> {}; closing",
                    settings.localMemberId(),
                    TimeUnit.NANOSECONDS.toMillis(settings.handshakeTimeoutNs()),
                    ctx.channel().remoteAddress(),
                    ctx.channel().localAddress());
                ctx.close();
              }
            },
            settings.handshakeTimeoutNs(),
            TimeUnit.NANOSECONDS);
  }

  /** Makes the snapshot stream on {@code ctx} fail when it makes no progress for a while. */
  void armSnapshotIdleTimeout(ChannelHandlerContext ctx) {
    ctx.pipeline()
        .addBefore(
            ctx.name(),
            "snapshot-idle",
            new IdleStateHandler(
                true, 0, 0, settings.snapshotIdleTimeoutNs(), TimeUnit.NANOSECONDS));
  }

  /** Whether the TLS peer certificate of {@code ch} names {@code memberId}; true without TLS. */
  boolean peerCertificateMatches(Channel ch, long memberId) {
    if (settings.tls() == null) {
      return true;
    }
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0
          && chain[0] instanceof X509Certificate x
          && settings.tls().identityVerifier().matches(memberId, x);
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  /**
   * Fails the handshake unless the TLS peer certificate of {@code ch} names {@code memberId}.
   *
   * @throws HandshakeRefusedException when it does not
   */
  void verifyPeerCertificate(Channel ch, long memberId) {
    if (!peerCertificateMatches(ch, memberId)) {
      throw new HandshakeRefusedException(
          memberId, HandshakeStatus.IDENTITY_MISMATCH, "certificate of " + ch.remoteAddress());
    }
  }

  /** Reconnect delay after {@code failures} consecutive failures: doubling, capped, jittered. */
  long backoffNs(int failures) {
    long min = settings.reconnectBackoffMinNs();
    long max = settings.reconnectBackoffMaxNs();
    long base = min;
    for (int i = 0; i < failures && base < max; i++) {
      base = base > max / 2 ? max : base * 2;
    }
    long half = base / 2;
    synchronized (settings.random()) {
      return half + settings.random().nextLong(half + 1);
    }
  }

  @Override
  public void addPeer(PeerEndpoint endpoint) {
    Peer p;
    synchronized (lifecycleLock) {
      requireStarted();
      if (endpoint.memberId() == settings.localMemberId()) {
        throw new IllegalArgumentException(
            "cannot add the local member " + endpoint + " as a peer");
      }
      if (peers.containsKey(endpoint.memberId())) {
        throw new IllegalArgumentException("member " + endpoint.memberId() + " is already a peer");
      }
      p = new Peer(this, endpoint);
      Long2ObjectHashMap<Peer> next = new Long2ObjectHashMap<>(peers);
      next.put(endpoint.memberId(), p);
      peers = next;
      if (removedMembers.contains(endpoint.memberId())) {
        org.agrona.collections.LongHashSet removed = new org.agrona.collections.LongHashSet();
        removed.addAll(removedMembers);
        removed.remove(endpoint.memberId());
        removedMembers = removed;
      }
    }
    p.start();
  }

  @Override
  public void removePeer(long memberId) {
    Peer p;
    synchronized (lifecycleLock) {
      p = peers.get(memberId);
      org.agrona.collections.LongHashSet removed = new org.agrona.collections.LongHashSet();
      removed.addAll(removedMembers);
      removed.add(memberId);
      removedMembers = removed;
      if (p == null) {
        return;
      }
      Long2ObjectHashMap<Peer> next = new Long2ObjectHashMap<>(peers);
      next.remove(memberId);
      peers = next;
    }
    p.stop();
  }

  @Override
  public void updatePeer(PeerEndpoint endpoint) {
    Peer p = peers.get(endpoint.memberId());
    if (p == null) {
      throw new IllegalArgumentException("member " + endpoint.memberId() + " is not a peer");
    }
    p.endpoint(endpoint);
    p.redial();
  }

  @Override
  public PeerStats peerStats(long memberId) {
    Peer p = peers.get(memberId);
    if (p == null) {
      throw new IllegalArgumentException("member " + memberId + " is not a peer");
    }
    return p.stats();
  }

  @Override
  public TransportStats stats() {
    return new TransportStats(
        handshakesRefused.sum(),
        connectionErrors.sum(),
        messagesToUnknownPeers.sum(),
        localMessagesDropped.sum(),
        inboundConnectionsRefused.sum());
  }

  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (!started) {
        return;
      }
      for (Peer p : peers.values()) {
        p.stop();
      }
      serverChannel.close().syncUninterruptibly();
      channels.close().syncUninterruptibly();
      shutdownGroup();
      LOG.info("member {} transport closed", settings.localMemberId());
    }
  }

  private void shutdownGroup() {
    if (ioSupport.ownsGroup()) {
      ioSupport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private void requireStarted() {
    if (!started || closed) {
      throw new IllegalStateException(
          "transport of member " + settings.localMemberId() + " is not running");
    }
  }
}
