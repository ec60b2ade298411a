package io.etch.storage.mvcc;

/**
 * etcd's {@code PutRequest}.
 *
 * @param key the key (non-empty)
 * @param value the value (must be empty with ignoreValue)
 * @param lease lease id to attach, 0 for none (must be 0 with ignoreLease)
 * @param prevKv return the replaced version
 * @param ignoreValue keep the current value (the key must exist)
 * @param ignoreLease keep the current lease (the key must exist)
 */
public record PutRequest(
    byte[] key, byte[] value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
    implements RequestOp {

  public PutRequest {
    value = value == null ? KeyValue.EMPTY : value;
  }

  /** A plain put. */
  public static PutRequest of(byte[] key, byte[] value) {
    return new PutRequest(key, value, 0, false, false, false);
  }

  /** A put attaching a lease. */
  public static PutRequest withLease(byte[] key, byte[] value, long lease) {
    return new PutRequest(key, value, lease, false, false, false);
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.put(this);
  }
}
