package io.etch;

/** A grant asked for a lease id that is already in use (etcd's {@code ErrLeaseExists}). */
public final class LeaseExistsException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long leaseId;

  public LeaseExistsException(long leaseId) {
    super("lease " + Long.toHexString(leaseId) + " already exists");
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }

  @Override
  public Kind kind() {
    return Kind.LEASE_EXISTS;
  }
}
