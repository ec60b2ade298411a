package io.etch.internal.node;

/**
 * Payload layouts of the lease calls a member forwards to the leader ({@code
 * PeerTransport.forward}), big endian. Keep-alives and time-to-live are answered by the leader's
 * lessor alone (only it knows expiries), so a follower forwards them.
 *
 * <pre>
 *  request (kind {@link #KIND_KEEP_ALIVE} or {@link #KIND_TIME_TO_LIVE}), 9 bytes:
 *  +---------------------------------------------------------------+
 *  |  lease id (int64)                                             |
 *  +---------------+-----------------------------------------------+
 *  | flags (uint8): bit 0 = with keys (time-to-live)               |
 *  +---------------+
 *
 *  answer:
 *  +---------------+-----------------------------------------------+
 *  | status (uint8)|  lease id (int64) ...                         |
 *  +---------------+-----------------------------------------------+
 *  |  ttl seconds (int64): renewed TTL, or remaining TTL (-1 unknown)|
 *  +---------------------------------------------------------------+
 *  |  granted ttl seconds (int64)                                  |
 *  +---------------------------------------------------------------+
 *  |  key count (int32)                                            |
 *  +---------------------------------------------------------------+
 *  |  key count x ( key length (int32) | key bytes )               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Status: {@link #STATUS_OK}, {@link #STATUS_NOT_FOUND} (keep-alive of a lease that is gone),
 * {@link #STATUS_NOT_LEADER} (the receiver's lessor is not the leader's: ask again where the leader
 * is now). Every length and count is checked against the bytes left by {@link LeaseCallFlyweight}.
 */
final class LeaseCallDescriptor {
  static final int KIND_KEEP_ALIVE = 1;
  static final int KIND_TIME_TO_LIVE = 2;

  static final int REQUEST_LEASE_ID_OFFSET = 0;
  static final int REQUEST_FLAGS_OFFSET = 8;
  static final int REQUEST_BYTES = 9;
  static final int FLAG_WITH_KEYS = 1;

  static final int STATUS_OK = 0;
  static final int STATUS_NOT_FOUND = 1;
  static final int STATUS_NOT_LEADER = 2;

  static final int ANSWER_STATUS_OFFSET = 0;
  static final int ANSWER_LEASE_ID_OFFSET = 1;
  static final int ANSWER_TTL_OFFSET = 9;
  static final int ANSWER_GRANTED_TTL_OFFSET = 17;
  static final int ANSWER_KEY_COUNT_OFFSET = 25;
  static final int ANSWER_KEYS_OFFSET = 29;

  private LeaseCallDescriptor() {}
}
