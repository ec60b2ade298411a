package io.etch.storage.mvcc;

/** What a range sorts by, as etcd's {@code RangeRequest.SortTarget}. */
public enum SortTarget {
  KEY,
  VERSION,
  CREATE,
  MOD,
  VALUE
}
