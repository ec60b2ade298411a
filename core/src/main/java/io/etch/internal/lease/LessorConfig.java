package io.etch.internal.lease;

import java.util.concurrent.TimeUnit;

/**
 * The settings of a {@link Lessor}. Build with {@link #builder()}; {@link Builder#build()} names
 * any bad value or conflicting pair.
 *
 * <ul>
 *   <li>{@code minTtlSeconds} (required): grants below are raised to it. The node passes {@code
 *       EtcdNodeConfig.minLeaseTtlSeconds()}, etcd's 1.5 x election timeout.
 *   <li>{@code maxRevokesPerSecond} (1000, etcd's {@code leaseRevokeRate}): the most expired leases
 *       {@link Lessor#expired} hands out per second of injected time.
 *   <li>{@code expiredRetryNs} (3 s, etcd's {@code expiredLeaseRetryInterval}): an expired lease
 *       handed out but still not revoked after this long (its revoke proposal was lost) is handed
 *       out again.
 *   <li>{@code promoteExtensionNs} (0): added to every lease's TTL on {@link Lessor#promote}. etcd
 *       extends by the election timeout, covering the time the old leader may have kept renewing.
 *   <li>{@code checkpointing} (off) with {@code checkpointIntervalNs} (5 min, etcd's {@code
 *       defaultLeaseCheckpointInterval}) and {@code maxCheckpointsPerSecond} (1000, etcd's {@code
 *       leaseCheckpointRate}): the leader checkpoints the remaining TTL of leases longer than the
 *       interval through Raft.
 *   <li>{@code maxKeyBytes} (1.5 MiB): the longest key a snapshot section may hold.
 * </ul>
 */
public final class LessorConfig {
  private final long minTtlSeconds;
  private final int maxRevokesPerSecond;
  private final long expiredRetryNs;
  private final long promoteExtensionNs;
  private final boolean checkpointing;
  private final long checkpointIntervalNs;
  private final int maxCheckpointsPerSecond;
  private final int maxKeyBytes;

  private LessorConfig(Builder b) {
    this.minTtlSeconds = b.minTtlSeconds;
    this.maxRevokesPerSecond = b.maxRevokesPerSecond;
    this.expiredRetryNs = b.expiredRetryNs;
    this.promoteExtensionNs = b.promoteExtensionNs;
    this.checkpointing = b.checkpointing;
    this.checkpointIntervalNs = b.checkpointIntervalNs;
    this.maxCheckpointsPerSecond = b.maxCheckpointsPerSecond;
    this.maxKeyBytes = b.maxKeyBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public long minTtlSeconds() {
    return minTtlSeconds;
  }

  public int maxRevokesPerSecond() {
    return maxRevokesPerSecond;
  }

  public long expiredRetryNs() {
    return expiredRetryNs;
  }

  public long promoteExtensionNs() {
    return promoteExtensionNs;
  }

  public boolean checkpointing() {
    return checkpointing;
  }

  public long checkpointIntervalNs() {
    return checkpointIntervalNs;
  }

  public int maxCheckpointsPerSecond() {
    return maxCheckpointsPerSecond;
  }

  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /** Builds a {@link LessorConfig}; not thread-safe. */
  public static final class Builder {
    private long minTtlSeconds;
    private int maxRevokesPerSecond = 1000;
    private long expiredRetryNs = TimeUnit.SECONDS.toNanos(3);
    private long promoteExtensionNs;
    private boolean checkpointing;
    private long checkpointIntervalNs = TimeUnit.MINUTES.toNanos(5);
    private boolean checkpointIntervalSet;
    private int maxCheckpointsPerSecond = 1000;
    private int maxKeyBytes = 3 * 512 * 1024;

    private Builder() {}

    public Builder minTtlSeconds(long minTtlSeconds) {
      this.minTtlSeconds = minTtlSeconds;
      return this;
    }

    public Builder maxRevokesPerSecond(int maxRevokesPerSecond) {
      this.maxRevokesPerSecond = maxRevokesPerSecond;
      return this;
    }

    public Builder expiredRetryNs(long expiredRetryNs) {
      this.expiredRetryNs = expiredRetryNs;
      return this;
    }

    public Builder promoteExtensionNs(long promoteExtensionNs) {
      this.promoteExtensionNs = promoteExtensionNs;
      return this;
    }

    public Builder checkpointing(boolean checkpointing) {
      this.checkpointing = checkpointing;
      return this;
    }

    public Builder checkpointIntervalNs(long checkpointIntervalNs) {
      this.checkpointIntervalNs = checkpointIntervalNs;
      this.checkpointIntervalSet = true;
      return this;
    }

    public Builder maxCheckpointsPerSecond(int maxCheckpointsPerSecond) {
      this.maxCheckpointsPerSecond = maxCheckpointsPerSecond;
      return this;
    }

    public Builder maxKeyBytes(int maxKeyBytes) {
      this.maxKeyBytes = maxKeyBytes;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the bad setting or the conflicting pair
     */
    public LessorConfig build() {
      if (minTtlSeconds <= 0) {
        throw new IllegalArgumentException(
            "minTtlSeconds must be set and > 0 (1.5 x the election timeout), got " + minTtlSeconds);
      }
      if (minTtlSeconds > io.etch.lease.Lease.MAX_TTL_SECONDS) {
        throw new IllegalArgumentException(
            "minTtlSeconds "
                + minTtlSeconds
                + " is above the maximum TTL "
                + io.etch.lease.Lease.MAX_TTL_SECONDS);
      }
      positive("maxRevokesPerSecond", maxRevokesPerSecond);
      positive("expiredRetryNs", expiredRetryNs);
      if (promoteExtensionNs < 0) {
        throw new IllegalArgumentException(
            "promoteExtensionNs must be >= 0, got " + promoteExtensionNs);
      }
      positive("checkpointIntervalNs", checkpointIntervalNs);
      positive("maxCheckpointsPerSecond", maxCheckpointsPerSecond);
      positive("maxKeyBytes", maxKeyBytes);
      if (checkpointIntervalSet && !checkpointing) {
        throw new IllegalArgumentException(
            "checkpointIntervalNs and checkpointing conflict: an interval is set but"
                + " checkpointing is off");
      }
      return new LessorConfig(this);
    }

    private static void positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0, got " + value);
      }
    }
  }
}
