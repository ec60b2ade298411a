package io.etch.transport;

import java.net.InetSocketAddress;

/**
 * Decides whether a member the transport does not know may connect: how a cluster grows. A member
 * that joins a running cluster knows none of its peers until the leader contacts it, and a
 * transport built without a cluster id (0) learns it from the first peer it admits.
 *
 * <p>Called on an event-loop thread during a handshake: it must decide quickly, without blocking.
 * When it admits, the transport adds the dialer as a peer at {@code advertisedAddress} (so it can
 * answer) and accepts the connection; the TLS identity check still applies.
 */
@FunctionalInterface
public interface PeerAdmission {
  /** Admits no one: only configured or added peers may connect (the default). */
  PeerAdmission NONE = (clusterId, memberId, advertisedAddress) -> false;

  /**
   * @param clusterId the dialer's cluster id
   * @param memberId the dialer's member id
   * @param advertisedAddress where the dialer listens, as it advertised it
   * @return true to add the dialer as a peer and accept the connection
   */
  boolean admit(long clusterId, long memberId, InetSocketAddress advertisedAddress);
}
