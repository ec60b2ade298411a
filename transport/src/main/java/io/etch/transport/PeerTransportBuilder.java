package io.etch.transport;

import io.etch.transport.codec.ForwardFrameDescriptor;
import io.etch.transport.codec.FrameDescriptor;
import io.etch.transport.tls.TlsConfig;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Configures a {@link PeerTransport}. Every limit has a default; {@link #build()} rejects missing
 * or conflicting settings with a message naming them.
 */
public final class PeerTransportBuilder {
  private long localMemberId;
  private long clusterId;
  private InetSocketAddress listenAddress;
  private final List<PeerEndpoint> peers = new ArrayList<>();
  private Inbound inbound;
  private ReachabilityListener reachability = ReachabilityListener.NONE;
  private IoEventLoopGroup sharedGroup;
  private IoMode ioMode = IoMode.AUTO;
  private int ioThreads;
  private TlsConfig tls;
  private int maxFrameBytes = 16 << 20;
  private int maxQueuedMessagesPerPeer = 4096;
  private long maxQueuedBytesPerPeer = 64L << 20;
  private Duration reconnectBackoffMin = Duration.ofMillis(50);
  private Duration reconnectBackoffMax = Duration.ofSeconds(2);
  private Duration connectTimeout = Duration.ofSeconds(5);
  private Duration handshakeTimeout = Duration.ofSeconds(10);
  private Duration snapshotIdleTimeout = Duration.ofSeconds(30);
  private Path snapshotDirectory;
  private int snapshotChunkBytes;
  private long maxSnapshotBytes = 64L << 30;
  private int maxInboundConnections = 256;
  private RandomGenerator random;
  private InetSocketAddress advertisedAddress;
  private PeerAdmission admission = PeerAdmission.NONE;
  private RemovalListener removalListener = RemovalListener.NONE;
  private Duration forwardTimeout = Duration.ofSeconds(5);
  private int maxForwardsInFlightPerPeer = 1024;
  private int maxForwardPayloadBytes = -1;

  /** Deadline of a {@link PeerTransport#forward} (5 s): no answer by then fails it. */
  public PeerTransportBuilder forwardTimeout(Duration timeout) {
    this.forwardTimeout = timeout;
    return this;
  }

  /**
   * Most forwarded requests unanswered per peer, in each direction (1024): more from this member
   * fail at once; more from the peer are answered {@link ForwardStatus#BUSY}.
   */
  public PeerTransportBuilder maxForwardsInFlightPerPeer(int requests) {
    this.maxForwardsInFlightPerPeer = requests;
    return this;
  }

  /**
   * Largest forwarded request or answer payload (default 1 MiB, or maxFrameBytes - 14 when that is
   * smaller); at most maxFrameBytes - 14.
   */
  public PeerTransportBuilder maxForwardPayloadBytes(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxForwardPayloadBytes must be >= 0, got " + bytes);
    }
    this.maxForwardPayloadBytes = bytes;
    return this;
  }

  PeerTransportBuilder() {}

  /** This member's id, {@code > 0}. Required. */
  public PeerTransportBuilder localMemberId(long id) {
    this.localMemberId = id;
    return this;
  }

  /**
   * The cluster's id; peers with another id are refused. Required, non-zero, unless a {@link
   * #peerAdmission} is set: then 0 means "not known yet", and the transport adopts the cluster id
   * of the first peer it admits.
   */
  public PeerTransportBuilder clusterId(long id) {
    this.clusterId = id;
    return this;
  }

  /**
   * The address this member tells the peers it dials (in the HELLO), so one that does not know it
   * yet can dial back (see {@link PeerAdmission}). Default: the listen address, with the bound port
   * when listening on port 0; not sent when the listen address is a wildcard.
   */
  public PeerTransportBuilder advertisedAddress(InetSocketAddress address) {
    this.advertisedAddress = Objects.requireNonNull(address, "address");
    return this;
  }

  /**
   * Who may connect without being a configured peer (default {@link PeerAdmission#NONE}): a member
   * joining a running cluster admits the members of that cluster that contact it.
   */
  public PeerTransportBuilder peerAdmission(PeerAdmission policy) {
    this.admission = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Told when a peer refuses this member as removed from the cluster (default: nobody). */
  public PeerTransportBuilder removalListener(RemovalListener listener) {
    this.removalListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Where to listen; port 0 lets the OS choose (see {@link PeerTransport#localAddress()}). */
  public PeerTransportBuilder listenAddress(InetSocketAddress address) {
    this.listenAddress = Objects.requireNonNull(address, "address");
    return this;
  }

  /** The other members at start; more come with {@link PeerTransport#addPeer}. */
  public PeerTransportBuilder peers(Collection<PeerEndpoint> initialPeers) {
    this.peers.addAll(initialPeers);
    return this;
  }

  /** The node's sink for received messages and snapshots. Required. */
  public PeerTransportBuilder inbound(Inbound sink) {
    this.inbound = Objects.requireNonNull(sink, "sink");
    return this;
  }

  public PeerTransportBuilder reachabilityListener(ReachabilityListener listener) {
    this.reachability = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Runs on a group owned by the caller (several nodes in one JVM may share one); the transport
   * never shuts it down. Its I/O type (epoll or NIO) decides the channel type.
   */
  public PeerTransportBuilder eventLoopGroup(IoEventLoopGroup group) {
    this.sharedGroup = Objects.requireNonNull(group, "group");
    return this;
  }

  /** The I/O implementation of an owned group (default {@link IoMode#AUTO}). */
  public PeerTransportBuilder ioMode(IoMode mode) {
    this.ioMode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /** Threads of an owned group (default 1). */
  public PeerTransportBuilder ioThreads(int threads) {
    this.ioThreads = threads;
    return this;
  }

  /** Mutual TLS; plaintext when not set. */
  public PeerTransportBuilder tls(TlsConfig config) {
    this.tls = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Largest frame sent or accepted (default 16 MiB); a larger inbound one closes the connection.
   */
  public PeerTransportBuilder maxFrameBytes(int bytes) {
    this.maxFrameBytes = bytes;
    return this;
  }

  /** Outbound messages queued per peer and lane before new ones are dropped (default 4096). */
  public PeerTransportBuilder maxQueuedMessagesPerPeer(int messages) {
    this.maxQueuedMessagesPerPeer = messages;
    return this;
  }

  /** Outbound frame bytes queued per peer and lane before new ones are dropped (default 64 MiB). */
  public PeerTransportBuilder maxQueuedBytesPerPeer(long bytes) {
    this.maxQueuedBytesPerPeer = bytes;
    return this;
  }

  /** Reconnect delays double from {@code min} up to {@code max}, with jitter (default 50ms..2s). */
  public PeerTransportBuilder reconnectBackoff(Duration min, Duration max) {
    this.reconnectBackoffMin = Objects.requireNonNull(min, "min");
    this.reconnectBackoffMax = Objects.requireNonNull(max, "max");
    return this;
  }

  public PeerTransportBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * How long a connection may take, once TCP is up, to complete TLS and the HELLO/HELLO_ACK
   * exchange before it is closed (default 10s); bounds what a silent client can hold.
   */
  public PeerTransportBuilder handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * A snapshot stream that makes no progress (nothing read or written) this long fails: the
   * receiver deletes its temp file, the sender's callback fails (default 30s).
   */
  public PeerTransportBuilder snapshotIdleTimeout(Duration timeout) {
    this.snapshotIdleTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Where received snapshot files are written. Required. */
  public PeerTransportBuilder snapshotDirectory(Path directory) {
    this.snapshotDirectory = Objects.requireNonNull(directory, "directory");
    return this;
  }

  /** Bytes of file per snapshot chunk frame (default 256 KiB, or less to fit maxFrameBytes). */
  public PeerTransportBuilder snapshotChunkBytes(int bytes) {
    this.snapshotChunkBytes = bytes;
    return this;
  }

  /** Largest snapshot file a peer may send us (default 64 GiB). */
  public PeerTransportBuilder maxSnapshotBytes(long bytes) {
    this.maxSnapshotBytes = bytes;
    return this;
  }

  /**
   * Most connections peers may hold open to us at once (default 256); further ones are closed on
   * accept and counted ({@link TransportStats#inboundConnectionsRefused()}). Each peer uses two
   * (control and data lanes) plus one per snapshot transfer.
   */
  public PeerTransportBuilder maxInboundConnections(int connections) {
    this.maxInboundConnections = connections;
    return this;
  }

  /** Randomness for reconnect jitter (default seeded from the member id). */
  public PeerTransportBuilder random(RandomGenerator generator) {
    this.random = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /**
   * A transport that is not started yet.
   *
   * @throws IllegalStateException naming the missing or conflicting settings
   */
  public PeerTransport build() {
    require(localMemberId > 0, "localMemberId must be > 0, got " + localMemberId);
    require(
        clusterId != 0 || admission != PeerAdmission.NONE,
        "clusterId must be set (non-zero); 0 (learn it from the first admitted peer) needs a"
            + " peerAdmission");
    require(listenAddress != null, "listenAddress must be set");
    require(inbound != null, "inbound must be set");
    require(snapshotDirectory != null, "snapshotDirectory must be set");
    require(
        maxFrameBytes >= FrameDescriptor.MIN_MAX_FRAME_BYTES
            && maxFrameBytes <= FrameDescriptor.MAX_MAX_FRAME_BYTES,
        "maxFrameBytes must be in ["
            + FrameDescriptor.MIN_MAX_FRAME_BYTES
            + ", "
            + FrameDescriptor.MAX_MAX_FRAME_BYTES
            + "], got "
            + maxFrameBytes);
    require(
        maxQueuedMessagesPerPeer > 0 && maxQueuedMessagesPerPeer <= 1 << 20,
        "maxQueuedMessagesPerPeer must be in [1, 1048576], got " + maxQueuedMessagesPerPeer);
    require(
        maxQueuedBytesPerPeer >= maxFrameBytes,
        "maxQueuedBytesPerPeer ("
            + maxQueuedBytesPerPeer
            + ") must be >= maxFrameBytes ("
            + maxFrameBytes
            + ") or the largest message could never be queued");
    require(
        !reconnectBackoffMin.isNegative()
            && !reconnectBackoffMin.isZero()
            && reconnectBackoffMin.compareTo(reconnectBackoffMax) <= 0,
        "reconnect backoff needs 0 < min <= max, got min="
            + reconnectBackoffMin
            + " max="
            + reconnectBackoffMax);
    int chunkBytes =
        snapshotChunkBytes != 0 ? snapshotChunkBytes : Math.min(256 << 10, maxFrameBytes - 16);
    require(
        chunkBytes >= 1024 && chunkBytes <= maxFrameBytes - 16,
        "snapshotChunkBytes must be in [1024, maxFrameBytes - 16 = "
            + (maxFrameBytes - 16)
            + "], got "
            + chunkBytes);
    require(
        isPositive(connectTimeout)
            && isPositive(handshakeTimeout)
            && isPositive(snapshotIdleTimeout),
        "connectTimeout ("
            + connectTimeout
            + "), handshakeTimeout ("
            + handshakeTimeout
            + ") and snapshotIdleTimeout ("
            + snapshotIdleTimeout
            + ") must be > 0");
    require(maxSnapshotBytes > 0, "maxSnapshotBytes must be > 0, got " + maxSnapshotBytes);
    require(
        maxInboundConnections >= 2,
        "maxInboundConnections must be >= 2 (one peer needs two), got " + maxInboundConnections);
    require(
        sharedGroup == null || (ioThreads == 0 && ioMode == IoMode.AUTO),
        "eventLoopGroup conflicts with ioThreads/ioMode: a shared group brings its own threads and"
            + " I/O type");
    require(ioThreads >= 0, "ioThreads must be >= 0, got " + ioThreads);
    require(
        ioMode != IoMode.EPOLL || Epoll.isAvailable(),
        "ioMode EPOLL but native epoll is unavailable: " + Epoll.unavailabilityCause());
    require(isPositive(forwardTimeout), "forwardTimeout must be > 0, got " + forwardTimeout);
    require(
        maxForwardsInFlightPerPeer > 0,
        "maxForwardsInFlightPerPeer must be > 0, got " + maxForwardsInFlightPerPeer);
    int forwardPayloadBytes =
        maxForwardPayloadBytes >= 0
            ? maxForwardPayloadBytes
            : Math.min(1 << 20, maxFrameBytes - 1 - ForwardFrameDescriptor.HEADER_BYTES);
    require(
        forwardPayloadBytes <= maxFrameBytes - 1 - ForwardFrameDescriptor.HEADER_BYTES,
        "maxForwardPayloadBytes ("
            + forwardPayloadBytes
            + ") must be <= maxFrameBytes - "
            + (1 + ForwardFrameDescriptor.HEADER_BYTES)
            + " = "
            + (maxFrameBytes - 1 - ForwardFrameDescriptor.HEADER_BYTES)
            + ": a forward frame must fit in a frame");
    for (PeerEndpoint p : peers) {
      require(
          p.memberId() != localMemberId,
          "peers contains the local member " + localMemberId + " (" + p + ")");
      require(p.port() > 0, "peer " + p + " has port 0");
    }
    require(
        peers.stream().mapToLong(PeerEndpoint::memberId).distinct().count() == peers.size(),
        "peers contains a member id twice: " + peers);
    return new NettyPeerTransport(
        new TransportSettings(
            localMemberId,
            clusterId,
            listenAddress,
            List.copyOf(peers),
            inbound,
            reachability,
            sharedGroup,
            ioMode,
            ioThreads == 0 ? 1 : ioThreads,
            tls,
            maxFrameBytes,
            maxQueuedMessagesPerPeer,
            maxQueuedBytesPerPeer,
            reconnectBackoffMin.toNanos(),
            reconnectBackoffMax.toNanos(),
            (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()),
            handshakeTimeout.toNanos(),
            snapshotIdleTimeout.toNanos(),
            snapshotDirectory,
            chunkBytes,
            maxSnapshotBytes,
            maxInboundConnections,
            random != null ? random : new SplittableRandom(localMemberId * 31 + clusterId),
            advertisedAddress,
            admission,
            removalListener,
            forwardTimeout.toNanos(),
            maxForwardsInFlightPerPeer,
            forwardPayloadBytes));
  }

  private static boolean isPositive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
