package io.etch.lease;

/**
 * Hears a {@link Lease#keepAlive}: each renewal, then at most one terminal event ({@link #onLost}
 * or {@link #onError}). Called on the node's callback executor, one call at a time.
 */
public interface LeaseKeepAliveListener {
  /** The lease was renewed; {@code response.ttlSeconds()} is the restarted TTL. */
  void onNext(LeaseKeepAliveResponse response);

  /** The lease is gone; no more calls follow. */
  void onLost(LostReason reason);

  /**
   * Keeping the lease alive failed for a reason other than the lease being gone, e.g. the node
   * closed ({@code NodeClosedException}); no more calls follow.
   */
  void onError(Throwable error);

  /** Why a kept-alive lease is gone. */
  enum LostReason {
    /** Its TTL ran out before a renewal reached the leader. */
    EXPIRED,
    /** It was revoked (by this or another client). */
    REVOKED,
    /** It did not exist when the keep-alive started. */
    NOT_FOUND,
    /**
     * No renewal succeeded for longer than its TTL (e.g. this member is partitioned from the
     * leader), so it must be assumed expired even though this member cannot confirm it.
     */
    UNREACHABLE
  }
}
