package io.etch.transport;

/**
 * Told when a peer refuses this member's connection because this member was removed from the
 * cluster ({@code HandshakeStatus.REMOVED_MEMBER}; that peer called {@link
 * PeerTransport#removePeer} for it). How a removed member that missed its own removal learns of it.
 * Called on an event-loop thread, after the peer's TLS identity was checked: enqueue and return.
 */
@FunctionalInterface
public interface RemovalListener {
  RemovalListener NONE = peerId -> {};

  /** Peer {@code peerId} says this member was removed. */
  void removedBy(long peerId);
}
