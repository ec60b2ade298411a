package io.etch.storage.mvcc;

/** The relation a txn compare requires between the stored field and the operand. */
public enum CompareResult {
  EQUAL,
  GREATER,
  LESS,
  NOT_EQUAL
}
