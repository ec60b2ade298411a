package io.etch.options;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;

/**
 * Options of a put.
 *
 * <ul>
 *   <li><b>leaseId</b>: attach the key to this lease (0, the default, means no lease); the key is
 *       deleted when the lease expires or is revoked. An unknown lease fails the put with {@code
 *       LeaseNotFoundException}.
 *   <li><b>prevKV</b>: return the key-value as it was before the put ({@code PutResponse.prevKv}).
 *   <li><b>ignoreValue</b>: keep the key's current value (the put's value must be empty); fails
 *       with {@code KeyNotFoundException} if the key does not exist. Useful to change only the
 *       lease.
 *   <li><b>ignoreLease</b>: keep the key's current lease (leaseId must be unset); fails with {@code
 *       KeyNotFoundException} if the key does not exist.
 * </ul>
 *
 * A put always creates a new revision, bumps the key's version, and sets its mod revision; the
 * create revision is set when the key did not exist (version 1).
 */
public final class PutOption {
  public static final PutOption DEFAULT = builder().build();

  private final long leaseId;
  private final boolean prevKv;
  private final boolean ignoreValue;
  private final boolean ignoreLease;

  private PutOption(Builder b) {
    this.leaseId = b.leaseId;
    this.prevKv = b.prevKv;
    this.ignoreValue = b.ignoreValue;
    this.ignoreLease = b.ignoreLease;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The lease to attach the key to; 0 means none. */
  public long leaseId() {
    return leaseId;
  }

  public boolean isPrevKv() {
    return prevKv;
  }

  public boolean isIgnoreValue() {
    return ignoreValue;
  }

  public boolean isIgnoreLease() {
    return ignoreLease;
  }

  /**
   * Checks a put's value against this option, as etcd does: with ignoreValue the value must be
   * empty.
   *
   * @throws InvalidArgumentException when ignoreValue is set and the value is not empty
   */
  public void checkValue(ByteSequence value) {
    if (ignoreValue && !value.isEmpty()) {
      throw new InvalidArgumentException(
          "value",
          "ignoreValue keeps the key's current value, so the put's value must be empty (got "
              + value.size()
              + " bytes)");
    }
  }

  /** Builds a {@link PutOption}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private long leaseId;
    private boolean prevKv;
    private boolean ignoreValue;
    private boolean ignoreLease;

    private Builder() {}

    /** Attach the key to lease {@code leaseId}; 0 means no lease. */
    public Builder withLeaseId(long leaseId) {
      this.leaseId = leaseId;
      return this;
    }

    /** Return the previous key-value. */
    public Builder withPrevKV() {
      this.prevKv = true;
      return this;
    }

    /** Keep the key's current value; the put's value must then be empty. */
    public Builder withIgnoreValue() {
      this.ignoreValue = true;
      return this;
    }

    /** Keep the key's current lease; no leaseId may be set. */
    public Builder withIgnoreLease() {
      this.ignoreLease = true;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidArgumentException naming the offending setting or conflicting pair
     */
    public PutOption build() {
      Checks.notNegative("leaseId", leaseId, "0 means no lease");
      if (ignoreLease && leaseId != 0) {
        throw new InvalidArgumentException(
            "leaseId",
            "ignoreLease and leaseId conflict: ignoreLease keeps the key's current lease, leaseId"
                + " sets lease "
                + Long.toHexString(leaseId));
      }
      return new PutOption(this);
    }
  }
}
