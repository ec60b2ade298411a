package io.etch.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TxnBuilderTest {
  private static final ByteSequence K = ByteSequence.from("k");
  private static final Cmp CMP = new Cmp(K, Cmp.Result.EQUAL, CmpTarget.version(0));
  private static final Op PUT = Op.put(K, ByteSequence.from("v"), PutOption.DEFAULT);
  private static final Op GET = Op.get(K, GetOption.DEFAULT);

  @Test
  void accumulatesInOrderAndCommitsOnce() {
    AtomicReference<Op.TxnOp> seen = new AtomicReference<>();
    TxnResponse response = new TxnResponse(new Header(1, 2, 3, 4), true, List.of());
    Txn txn =
        Txn.collecting(
            op -> {
              seen.set(op);
              return CompletableFuture.completedFuture(response);
            });
    CompletableFuture<TxnResponse> f = txn.If(CMP).If(CMP).Then(PUT).Then(GET).Else(GET).commit();
    assertTrue(f.isDone());
    assertEquals(List.of(CMP, CMP), seen.get().compares());
    assertEquals(List.of(PUT, GET), seen.get().thenOps());
    assertEquals(List.of(GET), seen.get().elseOps());
    IllegalStateException again = assertThrows(IllegalStateException.class, txn::commit);
    assertEquals("commit() called after commit(): a Txn commits once", again.getMessage());
  }

  @Test
  void rejectsOutOfOrderCalls() {
    Txn afterThen = Txn.collecting(op -> new CompletableFuture<>()).Then(PUT);
    assertEquals(
        "If() called after Then(): call If, then Then, then Else",
        assertThrows(IllegalStateException.class, () -> afterThen.If(CMP)).getMessage());
    Txn afterElse = Txn.collecting(op -> new CompletableFuture<>()).Else(PUT);
    assertEquals(
        "Then() called after Else(): call If, then Then, then Else",
        assertThrows(IllegalStateException.class, () -> afterElse.Then(PUT)).getMessage());
    assertThrows(
        NullPointerException.class,
        () -> Txn.collecting(op -> new CompletableFuture<>()).Then(PUT, null));
  }

  @Test
  void emptyTransactionIsAllowed() {
    AtomicReference<Op.TxnOp> seen = new AtomicReference<>();
    Txn.collecting(
            op -> {
              seen.set(op);
              return new CompletableFuture<>();
            })
        .commit();
    assertTrue(seen.get().compares().isEmpty() && seen.get().thenOps().isEmpty());
  }

  @Test
  void txnResponseSplitsResponsesByType() {
    Header h = new Header(1, 1, 5, 1);
    GetResponse get = new GetResponse(h, List.of(), false, 0);
    PutResponse put = new PutResponse(h, java.util.Optional.empty());
    DeleteResponse del = new DeleteResponse(h, 0, List.of());
    TxnResponse nested = new TxnResponse(h, false, List.of());
    TxnResponse r = new TxnResponse(h, true, List.of(put, get, del, nested, put));
    assertEquals(List.of(get), r.getResponses());
    assertEquals(List.of(put, put), r.putResponses());
    assertEquals(List.of(del), r.deleteResponses());
    assertEquals(List.of(nested), r.txnResponses());
  }
}
