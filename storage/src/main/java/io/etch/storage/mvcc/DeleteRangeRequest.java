package io.etch.storage.mvcc;

/**
 * etcd's {@code DeleteRangeRequest}.
 *
 * @param key first key (non-empty)
 * @param rangeEnd exclusive end with etcd's conventions (empty: the key alone; "\0": all from key)
 * @param prevKv return the deleted versions
 */
public record DeleteRangeRequest(byte[] key, byte[] rangeEnd, boolean prevKv) implements RequestOp {
  public DeleteRangeRequest {
    rangeEnd = rangeEnd == null ? KeyValue.EMPTY : rangeEnd;
  }

  /** Deletes one key. */
  public static DeleteRangeRequest key(byte[] key) {
    return new DeleteRangeRequest(key, KeyValue.EMPTY, false);
  }

  /** Deletes {@code [key, rangeEnd)}. */
  public static DeleteRangeRequest range(byte[] key, byte[] rangeEnd) {
    return new DeleteRangeRequest(key, rangeEnd, false);
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.deleteRange(this);
  }
}
