package io.etch.internal.request;

/**
 * The limits both the {@link RequestEncoder} and the {@link RequestDecoder} enforce. The encoder
 * refuses what the decoder would refuse, so no member ever proposes an entry that other members
 * cannot decode.
 *
 * @param maxKeyBytes the longest key, range end or compared key
 * @param maxValueBytes the longest value (a put's value, a compare's operand)
 * @param maxTxnOps the most compares, Then ops or Else ops per transaction level ({@code maxTxnOps}
 *     of the node config)
 * @param maxTxnDepth the deepest nesting of transactions (a plain txn has depth 1)
 * @param maxCheckpoints the most checkpoints in one LEASE_CHECKPOINT request
 */
public record RequestLimits(
    int maxKeyBytes, int maxValueBytes, int maxTxnOps, int maxTxnDepth, int maxCheckpoints) {
  /** etcd-like defaults: 1.5 MiB keys and values, 128 txn ops, depth 16, 1000 checkpoints. */
  public static final RequestLimits DEFAULT =
      new RequestLimits(3 * 512 * 1024, 3 * 512 * 1024, 128, 16, 1000);

  public RequestLimits {
    positive("maxKeyBytes", maxKeyBytes);
    positive("maxValueBytes", maxValueBytes);
    positive("maxTxnOps", maxTxnOps);
    positive("maxTxnDepth", maxTxnDepth);
    positive("maxCheckpoints", maxCheckpoints);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
