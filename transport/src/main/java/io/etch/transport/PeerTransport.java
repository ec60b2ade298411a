package io.etch.transport;

import io.etch.raft.Message;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Carries Raft messages between the members of one cluster.
 *
 * <p>Life cycle: {@link #builder()}, {@link #start()} (binds and returns when listening), then any
 * number of sends and membership changes from any thread, then {@link #close()}. Delivery is best
 * effort, as Raft expects: a message may be dropped (counted in {@link #peerStats}) but is never
 * duplicated and, per lane, never reordered.
 */
public interface PeerTransport extends AutoCloseable {
  static PeerTransportBuilder builder() {
    return new PeerTransportBuilder();
  }

  /**
   * Binds the listen address and starts dialling the peers; returns when listening.
   *
   * @throws TransportException when the address cannot be bound or TLS material cannot be loaded
   * @throws IllegalStateException when called twice or after close
   */
  void start();

  /** The address actually bound (the OS-chosen port when the configured port was 0). */
  InetSocketAddress localAddress();

  /**
   * Queues a non-local message for its {@code to} member. Never blocks, never throws: an unknown
   * peer, a full queue or an oversized message drops it and counts it ({@link
   * PeerStats#messagesDropped()}, {@link TransportStats#messagesToUnknownPeers()}); a local message
   * type is a caller bug, dropped, counted ({@link TransportStats#localMessagesDropped()}) and
   * logged as an error. Before {@link #start()} there are no peers yet, so every message counts as
   * to an unknown peer. Messages to a peer that is not connected yet wait in its bounded queue.
   *
   * @return whether the message was queued
   */
  boolean send(Message message);

  /**
   * Streams {@code file} to {@code snapMessage.to()} over a dedicated connection, the SNAP message
   * first; the receiver verifies a CRC32C of the whole file before taking it. The callback hears
   * the outcome once. At most one transfer per peer runs at a time; another fails at once.
   */
  void sendSnapshot(Message snapMessage, Path file, SnapshotCallback callback);

  /**
   * Asks the node of peer {@code memberId} to answer a small request, and completes with its
   * answer: a generic node-to-node call (keep-alives forwarded to the leader, ...). {@code kind}
   * (0..255) tells the peer's {@link Inbound#onForward} what the opaque {@code payload} is.
   *
   * <p>Never blocks, never throws for operating conditions; the future fails with a {@link
   * ForwardException}: {@link PeerUnavailableException} (unknown peer, not connected, connection
   * lost before the answer, transport closed), {@link TooManyForwardsException} ({@code
   * maxForwardsInFlightPerPeer} unanswered already), {@link ForwardTimeoutException} (no answer
   * within {@code forwardTimeout}), {@link ForwardRefusedException} (the peer answered with a
   * failure status); or with {@link io.etch.transport.codec.FrameTooLargeException} when {@code
   * payload} is over {@code maxForwardPayloadBytes}. It completes on a transport event loop: chain
   * asynchronously, never block there.
   *
   * @throws IllegalArgumentException for a kind outside 0..255
   */
  CompletableFuture<byte[]> forward(long memberId, int kind, byte[] payload);

  /**
   * Adds a member and starts dialling it.
   *
   * @throws IllegalArgumentException when the id is this member's or already present
   */
  void addPeer(PeerEndpoint peer);

  /**
   * Removes a member: its queue is dropped, its connections closed, and from then on its handshakes
   * are refused as {@code REMOVED_MEMBER} (so it learns it was removed, see {@link
   * RemovalListener}) unless it is added again. Unknown ids are remembered as removed too.
   */
  void removePeer(long memberId);

  /**
   * Changes a member's address: its connections are re-dialled at the new address.
   *
   * @throws IllegalArgumentException when the member is not present
   */
  void updatePeer(PeerEndpoint peer);

  /**
   * Counters of one peer.
   *
   * @throws IllegalArgumentException when the member is not present
   */
  PeerStats peerStats(long memberId);

  TransportStats stats();

  /**
   * Closes every connection and the listener (the port is free when this returns) and, when the
   * transport created its own event loops, shuts them down. Idempotent.
   */
  @Override
  void close();
}
