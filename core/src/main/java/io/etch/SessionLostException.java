package io.etch;

/**
 * The session's lease is gone (expired, revoked, or the session was closed), so whatever the
 * session held — a lock, a leadership, a registration — is gone with it (etcd's {@code
 * ErrSessionExpired}).
 */
public final class SessionLostException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long leaseId;

  public SessionLostException(long leaseId, String what) {
    super("session lease " + Long.toHexString(leaseId) + " is gone: " + what);
    this.leaseId = leaseId;
  }

  /** The session's lease. */
  public long leaseId() {
    return leaseId;
  }

  @Override
  public Kind kind() {
    return Kind.SESSION_LOST;
  }
}
