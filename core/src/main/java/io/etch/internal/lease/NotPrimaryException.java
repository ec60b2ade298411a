package io.etch.internal.lease;

/**
 * A leader-only lessor call reached a lessor that is not promoted (etcd's {@code ErrNotPrimary}):
 * leadership moved between the node's routing decision and the call. The node forwards the request
 * to the current leader, or fails it with {@code NoLeaderException} when there is none.
 */
public final class NotPrimaryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long leaseId;

  public NotPrimaryException(String operation, long leaseId) {
    super(operation + " of lease " + Long.toHexString(leaseId) + " needs the leader's lessor");
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }
}
