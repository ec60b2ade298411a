package io.etch.storage.mvcc;

import java.util.List;

/**
 * etcd's {@code TxnResponse}.
 *
 * @param revision the store revision after the transaction
 * @param succeeded whether the compares held (the success branch ran)
 * @param responses one response per operation of the branch that ran
 */
public record TxnResponse(long revision, boolean succeeded, List<ResponseOp> responses)
    implements ResponseOp {
  public TxnResponse {
    responses = List.copyOf(responses);
  }

  @Override
  public Kind kind() {
    return Kind.TXN;
  }
}
