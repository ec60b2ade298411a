package io.etch.storage.mvcc;

import java.util.List;

/**
 * etcd's {@code TxnRequest}: if every compare holds, run {@code success}, else {@code failure}.
 *
 * @param compare the guards
 * @param success operations run when all compares hold
 * @param failure operations run otherwise
 */
public record TxnRequest(List<Compare> compare, List<RequestOp> success, List<RequestOp> failure)
    implements RequestOp {
  public TxnRequest {
    compare = List.copyOf(compare);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.txn(this);
  }
}
