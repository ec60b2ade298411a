package io.etch.kv;

import io.etch.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of a transaction.
 *
 * @param header {@code header.revision()} is the revision the transaction created if it wrote, or
 *     the revision it read at otherwise
 * @param succeeded whether every compare held (so the Then branch ran; else the Else branch)
 * @param responses one response per op of the branch that ran, in op order
 */
public record TxnResponse(Header header, boolean succeeded, List<OpResponse> responses)
    implements OpResponse {
  public TxnResponse {
    Objects.requireNonNull(header, "header");
    responses = List.copyOf(responses);
  }

  @Override
  public Op.Type type() {
    return Op.Type.TXN;
  }

  /** The responses to the branch's gets, in op order. */
  public List<GetResponse> getResponses() {
    return ofType(Op.Type.GET, GetResponse.class);
  }

  /** The responses to the branch's puts, in op order. */
  public List<PutResponse> putResponses() {
    return ofType(Op.Type.PUT, PutResponse.class);
  }

  /** The responses to the branch's deletes, in op order. */
  public List<DeleteResponse> deleteResponses() {
    return ofType(Op.Type.DELETE, DeleteResponse.class);
  }

  /** The responses to the branch's nested transactions, in op order. */
  public List<TxnResponse> txnResponses() {
    return ofType(Op.Type.TXN, TxnResponse.class);
  }

  private <R extends OpResponse> List<R> ofType(Op.Type type, Class<R> clazz) {
    List<R> out = new ArrayList<>();
    for (OpResponse r : responses) {
      if (r.type() == type) {
        out.add(clazz.cast(r));
      }
    }
    return out;
  }
}
