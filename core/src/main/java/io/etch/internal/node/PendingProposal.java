package io.etch.internal.node;

import io.etch.internal.metrics.NodeMetrics;

/**
 * A write proposed through Raft, waiting to be applied on this member. The owner thread re-proposes
 * it until it is applied or times out; the applier's dedup table applies it at most once.
 */
final class PendingProposal extends Pending<Object> {
  final long requestId;
  final byte[] payload;

  /** Whether {@code payload} is an encoded membership change ({@code ConfChangeCodec}). */
  final boolean confChange;

  /** Owner thread only: the tick at which to propose (again). */
  long proposeAtTick;

  PendingProposal(
      String operation, long requestId, byte[] payload, long deadlineNs, NodeMetrics metrics) {
    this(operation, requestId, payload, deadlineNs, metrics, false);
  }

  PendingProposal(
      String operation,
      long requestId,
      byte[] payload,
      long deadlineNs,
      NodeMetrics metrics,
      boolean confChange) {
    super(operation, deadlineNs, metrics);
    this.requestId = requestId;
    this.payload = payload;
    this.confChange = confChange;
  }
}
