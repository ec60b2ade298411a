package io.etch.transport;

/**
 * Transport-wide counters.
 *
 * @param handshakesRefused inbound handshakes refused (foreign cluster, unknown member, ...)
 * @param connectionErrors connections closed for malformed, oversized or unexpected frames
 * @param messagesToUnknownPeers outbound messages dropped because no peer has the target id
 * @param localMessagesDropped outbound messages of a local type (never sent over the network)
 *     dropped; non-zero means a bug in the caller
 * @param inboundConnectionsRefused connections closed on accept because {@code
 *     maxInboundConnections} were already open
 */
public record TransportStats(
    long handshakesRefused,
    long connectionErrors,
    long messagesToUnknownPeers,
    long localMessagesDropped,
    long inboundConnectionsRefused) {}
