package io.etch.storage.mvcc;

/** One response inside a {@link TxnResponse}, matching its {@link RequestOp}. */
public interface ResponseOp {
  /** The kind, for a switch. */
  Kind kind();

  /** Kinds of responses. */
  enum Kind {
    RANGE,
    PUT,
    DELETE_RANGE,
    TXN
  }
}
