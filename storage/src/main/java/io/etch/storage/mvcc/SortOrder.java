package io.etch.storage.mvcc;

/** Range result order, as etcd's {@code RangeRequest.SortOrder}. */
public enum SortOrder {
  NONE,
  ASCEND,
  DESCEND
}
