package io.etch.transport;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link PeerStats}; written from any thread. */
final class PeerCounters {
  final LongAdder messagesSent = new LongAdder();
  final LongAdder messagesDropped = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder messagesReceived = new LongAdder();
  final LongAdder inboundDropped = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder snapshotsSent = new LongAdder();
  final LongAdder snapshotsFailed = new LongAdder();

  PeerStats snapshot(long memberId, boolean connected) {
    return new PeerStats(
        memberId,
        messagesSent.sum(),
        messagesDropped.sum(),
        bytesOut.sum(),
        messagesReceived.sum(),
        inboundDropped.sum(),
        bytesIn.sum(),
        reconnects.sum(),
        snapshotsSent.sum(),
        snapshotsFailed.sum(),
        connected);
  }
}
