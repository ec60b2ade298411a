package io.etch.storage.mvcc;

/** The field a txn compare looks at. */
public enum CompareTarget {
  VERSION,
  CREATE,
  MOD,
  VALUE,
  LEASE
}
