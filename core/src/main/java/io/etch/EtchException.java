package io.etch;

/**
 * The base of every operating error Etch reports.
 *
 * <p>Futures returned by the API complete exceptionally with a subclass of this type; option and
 * config builders throw {@link InvalidArgumentException} synchronously. There is one class per kind
 * of failure and each carries the specifics (the key, the size, the limit, the revision) as typed
 * fields, so callers never parse messages. {@link #kind()} allows a {@code switch} over the kind
 * without {@code instanceof} chains.
 *
 * <p>Whether an operation may be retried as is, is stated by {@link #isRetryable()}: timeouts and a
 * missing leader are transient; everything else will fail again unless the request or the cluster
 * changes. A failed write is never half-applied: either all of its effects are committed or none.
 */
public abstract class EtchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure, one per subclass. */
  public enum Kind {
    REQUEST_TIMEOUT,
    COMPACTED,
    FUTURE_REVISION,
    REQUEST_TOO_LARGE,
    TOO_MANY_TXN_OPS,
    DUPLICATE_KEY_IN_TXN,
    QUOTA_EXCEEDED,
    NODE_CLOSED,
    INVALID_ARGUMENT,
    KEY_NOT_FOUND,
    NO_LEADER,
    NOT_LEADER,
    LEASE_NOT_FOUND,
    LEASE_EXISTS,
    LEASE_TTL_TOO_LARGE,
    MEMBER_NOT_FOUND,
    MEMBER_EXISTS,
    MEMBER_ID_REMOVED,
    MEMBER_REMOVED,
    NOT_LEARNER,
    LEARNER_NOT_READY,
    TOO_MANY_LEARNERS,
    UNHEALTHY_CLUSTER,
    BAD_LEADER_TRANSFEREE,
    DATA_DIR_LOCKED,
    CORRUPT_BACKUP,
    DECODING,
    TOO_MANY_WATCHERS
  }

  protected EtchException(String message) {
    super(message);
  }

  protected EtchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Which kind of failure this is; stable across releases, usable in a {@code switch}. */
  public abstract Kind kind();

  /**
   * Whether sending the same request again may succeed without any change by the caller (the
   * failure was transient). Retrying a write whose outcome is unknown (a timeout) may apply it
   * twice unless the write is idempotent or guarded by a transaction compare.
   */
  public boolean isRetryable() {
    return false;
  }
}
