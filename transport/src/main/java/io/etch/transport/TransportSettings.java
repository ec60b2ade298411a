package io.etch.transport;

import io.etch.transport.tls.TlsConfig;
import io.netty.channel.IoEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;

/** The validated settings of one transport. */
record TransportSettings(
    long localMemberId,
    long clusterId,
    InetSocketAddress listenAddress,
    List<PeerEndpoint> initialPeers,
    Inbound inbound,
    ReachabilityListener reachability,
    IoEventLoopGroup sharedGroup,
    IoMode ioMode,
    int ioThreads,
    TlsConfig tls,
    int maxFrameBytes,
    int maxQueuedMessagesPerPeer,
    long maxQueuedBytesPerPeer,
    long reconnectBackoffMinNs,
    long reconnectBackoffMaxNs,
    int connectTimeoutMs,
    long handshakeTimeoutNs,
    long snapshotIdleTimeoutNs,
    Path snapshotDirectory,
    int snapshotChunkBytes,
    long maxSnapshotBytes,
    int maxInboundConnections,
    RandomGenerator random,
    InetSocketAddress advertisedAddress,
    PeerAdmission admission,
    RemovalListener removalListener,
    long forwardTimeoutNs,
    int maxForwardsInFlightPerPeer,
    int maxForwardPayloadBytes) {}
