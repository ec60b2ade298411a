package io.etch.transport;

/**
 * Told when a connection to a peer fails or is lost, so the node can report {@code UNREACHABLE} to
 * Raft. Called on a transport event loop: enqueue and return.
 */
@FunctionalInterface
public interface ReachabilityListener {
  /** A listener that ignores everything. */
  ReachabilityListener NONE = memberId -> {};

  void onUnreachable(long memberId);
}
