package io.etch.transport;

import io.etch.raft.Message;

/**
 * Outcome of {@link PeerTransport#sendSnapshot}: exactly one method is called once, on a transport
 * event loop or on the caller's thread when the transfer cannot start. Enqueue and return; the node
 * turns it into {@code SNAP_STATUS} for Raft.
 */
public interface SnapshotCallback {
  /** The receiver verified the checksum and took the file. */
  void onSent(Message snapMessage);

  /** The transfer failed; Raft should retry later. */
  void onFailed(Message snapMessage, TransportException cause);
}
