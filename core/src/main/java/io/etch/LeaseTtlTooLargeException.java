package io.etch;

/**
 * A grant asked for a TTL above the maximum (etcd's {@code ErrLeaseTTLTooLarge}; the maximum is
 * {@value io.etch.lease.Lease#MAX_TTL_SECONDS} seconds).
 */
public final class LeaseTtlTooLargeException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final long ttlSeconds;
  private final long maxTtlSeconds;

  public LeaseTtlTooLargeException(long ttlSeconds, long maxTtlSeconds) {
    super("lease TTL of " + ttlSeconds + " s is above the maximum of " + maxTtlSeconds + " s");
    this.ttlSeconds = ttlSeconds;
    this.maxTtlSeconds = maxTtlSeconds;
  }

  public long ttlSeconds() {
    return ttlSeconds;
  }

  public long maxTtlSeconds() {
    return maxTtlSeconds;
  }

  @Override
  public Kind kind() {
    return Kind.LEASE_TTL_TOO_LARGE;
  }
}
