package io.etch.transport;

import io.etch.transport.codec.Lane;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One remote member: its address, its two outbound lanes, the inbound connections it opened to us,
 * its counters and whether a snapshot transfer to it is running.
 */
final class Peer {
  private final long memberId;
  private volatile PeerEndpoint endpoint;
  final PeerCounters counters = new PeerCounters();
  final OutboundLane control;
  final OutboundLane data;
  final Set<Channel> inboundChannels = ConcurrentHashMap.newKeySet();
  final AtomicBoolean snapshotInFlight = new AtomicBoolean();
  final ForwardRequester forwards;

  /** All connections of this peer live on one event loop, so each lane has a single consumer. */
  final EventLoop eventLoop;

  private volatile boolean removed;

  Peer(NettyPeerTransport transport, PeerEndpoint endpoint) {
    this.memberId = endpoint.memberId();
    this.endpoint = endpoint;
    this.eventLoop = transport.io().group().next();
    this.control = new OutboundLane(transport, this, Lane.CONTROL);
    this.data = new OutboundLane(transport, this, Lane.DATA);
    this.forwards = new ForwardRequester(transport, this);
  }

  long memberId() {
    return memberId;
  }

  PeerEndpoint endpoint() {
    return endpoint;
  }

  void endpoint(PeerEndpoint newEndpoint) {
    this.endpoint = newEndpoint;
  }

  boolean removed() {
    return removed;
  }

  OutboundLane lane(Lane lane) {
    return switch (lane) {
      case CONTROL -> control;
      case DATA -> data;
      case SNAPSHOT -> throw new IllegalArgumentException("snapshots have no queued lane");
    };
  }

  void start() {
    control.start();
    data.start();
  }

  /** Re-dials both lanes (after an address change). */
  void redial() {
    control.redial();
    data.redial();
  }

  /** Stops dialling, drops queued messages, closes every connection to and from this peer. */
  void stop() {
    removed = true;
    control.stop();
    data.stop();
    for (Channel ch : inboundChannels) {
      ch.close();
    }
  }

  PeerStats stats() {
    return counters.snapshot(memberId, control.isConnected());
  }
}
