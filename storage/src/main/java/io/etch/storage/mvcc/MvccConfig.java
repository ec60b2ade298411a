package io.etch.storage.mvcc;

/**
 * Limits of an {@link MvccStore}. Build with {@link #builder()}; every limit has a default.
 *
 * @param maxKeyBytes longest key (and range end) accepted
 * @param maxValueBytes longest value accepted
 * @param maxTxnOps most compares, or most operations in one then/else list, of one transaction
 */
public record MvccConfig(int maxKeyBytes, int maxValueBytes, int maxTxnOps) {
  /** Default key limit: 32 KiB. */
  public static final int DEFAULT_MAX_KEY_BYTES = 32 * 1024;

  /** Default value limit: 1.5 MiB, etcd's default request size limit. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1536 * 1024;

  /** Default txn op limit: 128, as etcd. */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  public MvccConfig {
    requirePositive("maxKeyBytes", maxKeyBytes);
    requirePositive("maxValueBytes", maxValueBytes);
    requirePositive("maxTxnOps", maxTxnOps);
  }

  /** The defaults. */
  public static MvccConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void requirePositive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** Builder of {@link MvccConfig}; each setter may be called once. */
  public static final class Builder {
    private int maxKeyBytes = -1;
    private int maxValueBytes = -1;
    private int maxTxnOps = -1;

    private Builder() {}

    public Builder maxKeyBytes(int bytes) {
      requireUnset("maxKeyBytes", maxKeyBytes);
      requirePositive("maxKeyBytes", bytes);
      maxKeyBytes = bytes;
      return this;
    }

    public Builder maxValueBytes(int bytes) {
      requireUnset("maxValueBytes", maxValueBytes);
      requirePositive("maxValueBytes", bytes);
      maxValueBytes = bytes;
      return this;
    }

    public Builder maxTxnOps(int ops) {
      requireUnset("maxTxnOps", maxTxnOps);
      requirePositive("maxTxnOps", ops);
      maxTxnOps = ops;
      return this;
    }

    public MvccConfig build() {
      return new MvccConfig(
          maxKeyBytes < 0 ? DEFAULT_MAX_KEY_BYTES : maxKeyBytes,
          maxValueBytes < 0 ? DEFAULT_MAX_VALUE_BYTES : maxValueBytes,
          maxTxnOps < 0 ? DEFAULT_MAX_TXN_OPS : maxTxnOps);
    }

    private static void requireUnset(String name, int current) {
      if (current >= 0) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }
  }
}
