package io.etch.transport.testing;

import io.etch.raft.Message;
import io.etch.transport.ForwardReply;
import io.etch.transport.Inbound;
import io.etch.transport.PeerEndpoint;
import io.etch.transport.PeerTransport;
import io.etch.transport.PeerTransportBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A member under test: a transport and what it received. */
public final class TestNode implements Inbound, AutoCloseable {
  public final long id;
  public final BlockingQueue<Message> inbox;
  public final ConcurrentLinkedQueue<Long> unreachable = new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<Path> snapshots = new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<Message> snapshotMessages = new ConcurrentLinkedQueue<>();
  public PeerTransport transport;

  /** Answers forwarded requests; null keeps the default (UNSUPPORTED). */
  public volatile ForwardHandler forwardHandler;

  /** What a test node does with a forwarded request. */
  @FunctionalInterface
  public interface ForwardHandler {
    void handle(long fromMemberId, int kind, byte[] payload, ForwardReply reply);
  }

  public TestNode(long id, int inboxCapacity) {
    this.id = id;
    this.inbox = new ArrayBlockingQueue<>(inboxCapacity);
  }

  /** A builder for this node with test-friendly defaults; the caller adds peers and builds. */
  public PeerTransportBuilder builder(long clusterId, int port, Path snapshotDir) {
    return PeerTransport.builder()
        .localMemberId(id)
        .clusterId(clusterId)
        .listenAddress(new InetSocketAddress("127.0.0.1", port))
        .inbound(this)
        .reachabilityListener(unreachable::add)
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .snapshotDirectory(snapshotDir);
  }

  public TestNode start(PeerTransportBuilder b, List<PeerEndpoint> peers) {
    transport = b.peers(peers).build();
    transport.start();
    return this;
  }

  public int port() {
    return transport.localAddress().getPort();
  }

  public PeerEndpoint endpoint() {
    return new PeerEndpoint(id, "127.0.0.1", port());
  }

  @Override
  public boolean offer(Message message) {
    return inbox.offer(message);
  }

  @Override
  public void onSnapshot(Message snapMessage, Path receivedFile) {
    snapshotMessages.add(snapMessage);
    snapshots.add(receivedFile);
  }

  @Override
  public void onForward(long fromMemberId, int kind, byte[] payload, ForwardReply reply) {
    ForwardHandler h = forwardHandler;
    if (h == null) {
      Inbound.super.onForward(fromMemberId, kind, payload, reply);
    } else {
      h.handle(fromMemberId, kind, payload, reply);
    }
  }

  @Override
  public void close() {
    if (transport != null) {
      transport.close();
    }
  }
}
