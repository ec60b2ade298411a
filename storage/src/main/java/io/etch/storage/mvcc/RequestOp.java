package io.etch.storage.mvcc;

/** One operation of a transaction branch: a range, put, delete-range or nested txn. */
public interface RequestOp {
  /** Dispatches to the visitor method for this kind of operation. */
  <R> R accept(Visitor<R> visitor);

  /**
   * Double dispatch over the four operation kinds.
   *
   * @param <R> result type
   */
  interface Visitor<R> {
    R range(RangeRequest request);

    R put(PutRequest request);

    R deleteRange(DeleteRangeRequest request);

    R txn(TxnRequest request);
  }
}
