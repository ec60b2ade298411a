package io.etch.maintenance;

/**
 * Bytes exchanged with one peer since the node started.
 *
 * @param memberId the peer
 */
public record PeerTraffic(long memberId, long bytesSent, long bytesReceived) {}
