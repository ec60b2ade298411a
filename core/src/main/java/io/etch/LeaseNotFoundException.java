package io.etch;

/**
 * The lease does not exist (never granted, revoked, or expired): from a put with a lease, a revoke,
 * or a keep-alive (etcd's {@code ErrLeaseNotFound}).
 */
public final class LeaseNotFoundException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long leaseId;

  public LeaseNotFoundException(long leaseId) {
    super("lease " + Long.toHexString(leaseId) + " not found");
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }

  @Override
  public Kind kind() {
    return Kind.LEASE_NOT_FOUND;
  }
}
