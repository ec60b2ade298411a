package io.etch.transport;

import io.etch.raft.Message;
import java.nio.file.Path;

/**
 * Where the transport delivers what peers sent; implemented by the node.
 *
 * <p>Both methods are called on a transport event loop and must return at once: put the message on
 * the node's bounded queue and let the node's own thread step Raft. Never call into Raft here.
 */
public interface Inbound {
  /**
   * Offers a decoded, non-local message whose {@code to} is this member.
   *
   * @return false when the node's queue is full; the transport then drops the message and counts it
   */
  boolean offer(Message message);

  /**
   * A streamed snapshot arrived and its CRC32C matched: {@code snapMessage} is the SNAP message,
   * {@code receivedFile} the complete file, now owned by the node (move or delete it).
   */
  void onSnapshot(Message snapMessage, Path receivedFile);

  /**
   * A peer asks this node to answer a forwarded request ({@link PeerTransport#forward}): {@code
   * kind} and {@code payload} as the peer sent them. Answer through {@code reply}, now or later,
   * from any thread; at most {@code maxForwardsInFlightPerPeer} requests per peer are outstanding
   * (more are answered {@link ForwardStatus#BUSY} without calling this). The default answers {@link
   * ForwardStatus#UNSUPPORTED}. Called on an event loop: enqueue and return.
   */
  default void onForward(long fromMemberId, int kind, byte[] payload, ForwardReply reply) {
    reply.refuse(ForwardStatus.UNSUPPORTED);
  }
}
