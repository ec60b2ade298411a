package io.etch.kv;

import io.etch.op.Cmp;
import io.etch.op.Op;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Builds and commits a transaction, like jetcd's {@code Txn}: {@code kv.txn().If(cmps...)
 * .Then(ops...).Else(ops...).commit()}.
 *
 * <p>Each method may be called several times (arguments accumulate) but in order: every {@code If}
 * before any {@code Then}, every {@code Then} before any {@code Else}; {@code commit} once. Misuse
 * throws {@link IllegalStateException}. Commit checks the transaction ({@link Op.TxnOp#validate}):
 * too many ops fail with {@code TooManyTxnOpsException}, a key written twice in a branch with
 * {@code DuplicateKeyInTxnException}.
 *
 * <p>The whole transaction applies atomically at one revision: compares are evaluated and the
 * chosen branch's ops are applied in order, with no other write in between. A transaction that only
 * reads creates no revision.
 */
public interface Txn {
  /** Adds compares; all must hold for the Then branch to run. */
  Txn If(Cmp... compares);

  /** Adds ops to run when every compare holds. */
  Txn Then(Op... ops);

  /** Adds ops to run when some compare does not hold. */
  Txn Else(Op... ops);

  /** Sends the transaction. */
  CompletableFuture<TxnResponse> commit();

  /**
   * A builder that collects the transaction and hands it, as one {@link Op.TxnOp}, to {@code
   * committer}; for {@link KV} implementations.
   */
  static Txn collecting(Function<Op.TxnOp, CompletableFuture<TxnResponse>> committer) {
    return new CollectingTxn(committer);
  }
}
