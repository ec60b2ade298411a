package io.etch.transport;

/**
 * Counters of one peer since it was added, a consistent-enough snapshot for metrics.
 *
 * @param memberId the peer
 * @param messagesSent messages written to the peer's connections
 * @param messagesDropped outbound messages dropped (queue full by count or bytes, too large)
 * @param bytesOut bytes of message frames written
 * @param messagesReceived inbound messages accepted by the node's queue
 * @param inboundDropped inbound messages the node's queue refused
 * @param bytesIn bytes of message frames received
 * @param reconnects connection attempts after the first, all lanes
 * @param snapshotsSent streamed snapshots acknowledged by the peer
 * @param snapshotsFailed streamed snapshots that failed
 * @param connected whether the CONTROL lane is connected and past its handshake
 */
public record PeerStats(
    long memberId,
    long messagesSent,
    long messagesDropped,
    long bytesOut,
    long messagesReceived,
    long inboundDropped,
    long bytesIn,
    long reconnects,
    long snapshotsSent,
    long snapshotsFailed,
    boolean connected) {}
