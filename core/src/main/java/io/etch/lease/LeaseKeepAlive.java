package io.etch.lease;

/**
 * A running keep-alive ({@link Lease#keepAlive}). Closing it stops the renewals (the lease then
 * expires after its TTL unless renewed otherwise) and silences the listener; it does not revoke the
 * lease. Idempotent.
 */
public interface LeaseKeepAlive extends AutoCloseable {
  /** The lease kept alive. */
  long leaseId();

  @Override
  void close();
}
