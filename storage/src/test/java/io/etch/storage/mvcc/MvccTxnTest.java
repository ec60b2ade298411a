package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Txn semantics: compares, branches, nesting, events, and etcd's duplicate-key rule. */
class MvccTxnTest {
  private static TxnRequest txn(List<Compare> c, List<RequestOp> then, List<RequestOp> els) {
    return new TxnRequest(c, then, els);
  }

  static Stream<Arguments> duplicates() {
    PutRequest putA = PutRequest.of(b("a"), b("1"));
    PutRequest putA2 = PutRequest.of(b("a"), b("2"));
    DeleteRangeRequest delA = DeleteRangeRequest.key(b("a"));
    DeleteRangeRequest delAtoC = DeleteRangeRequest.range(b("a"), b("c"));
    DeleteRangeRequest delAll = DeleteRangeRequest.range(b("0"), new byte[] {0});
    PutRequest putB = PutRequest.of(b("b"), b("1"));
    return Stream.of(
        // description, success ops, rejected?
        Arguments.of("two puts of one key", List.of(putA, putA2), true),
        Arguments.of("put and delete of one key", List.of(putA, delA), true),
        Arguments.of("delete then put", List.of(delA, putA), true),
        Arguments.of("put inside a deleted range", List.of(delAtoC, putB), true),
        Arguments.of("put inside an unbounded deleted range", List.of(delAll, putB), true),
        Arguments.of("overlapping deletes are fine", List.of(delA, delAtoC), false),
        Arguments.of("distinct keys are fine", List.of(putA, putB), false),
        Arguments.of(
            "nested then and else may put the same key",
            List.of(txn(List.of(), List.of(putA), List.of(putA2))),
            false),
        Arguments.of(
            "nested then put vs outer put",
            List.of(putA, txn(List.of(), List.of(putA2), List.of())),
            true),
        Arguments.of(
            "nested else put vs outer delete",
            List.of(delAtoC, txn(List.of(), List.of(), List.of(putB))),
            true),
        Arguments.of(
            "nested delete vs outer put",
            List.of(putB, txn(List.of(), List.of(delAtoC), List.of())),
            true),
        Arguments.of(
            "two nested txns putting one key",
            List.of(
                txn(List.of(), List.of(putA), List.of()),
                txn(List.of(), List.of(), List.of(putA2))),
            true),
        Arguments.of(
            "nested else put vs then put of an earlier nested txn",
            List.of(
                txn(List.of(), List.of(putA), List.of()),
                txn(List.of(), List.of(putB), List.of(putA2))),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("duplicates")
  void duplicateKeyRule(String name, List<RequestOp> ops, boolean rejected) {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    TxnRequest t = txn(List.of(), ops, List.of());
    if (rejected) {
      assertThrows(DuplicateKeyInTxnException.class, () -> store.txn(t), name);
      assertEquals(0, store.revision());
    } else {
      store.txn(t);
    }
  }

  @Test
  void successAndFailureBranchesAreCheckedSeparately() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    PutRequest putA = PutRequest.of(b("a"), b("1"));
    store.txn(txn(List.of(), List.of(putA), List.of(DeleteRangeRequest.key(b("a")))));
    assertEquals(1, store.revision());
    DuplicateKeyInTxnException e =
        assertThrows(
            DuplicateKeyInTxnException.class,
            () ->
                store.txn(txn(List.of(), List.of(), List.of(putA, PutRequest.of(b("a"), b("x"))))));
    assertArrayEquals(b("a"), e.key());
  }

  @Test
  void casAndEventsShareOneRevision() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("lock"), b("free")));
    store.put(PutRequest.of(b("x"), b("0")));
    TxnRequest cas =
        txn(
            List.of(Compare.value(b("lock"), CompareResult.EQUAL, b("free"))),
            List.of(
                new PutRequest(b("lock"), b("held"), 0, true, false, false),
                DeleteRangeRequest.key(b("x")),
                RangeRequest.get(b("lock"))),
            List.of(RangeRequest.get(b("lock"))));
    WriteResult<TxnResponse> r = store.txn(cas);
    assertTrue(r.response().succeeded());
    assertEquals(3, r.response().revision());
    PutResponse put = (PutResponse) r.response().responses().get(0);
    assertArrayEquals(b("free"), put.prevKv().value());
    DeleteRangeResponse del = (DeleteRangeResponse) r.response().responses().get(1);
    assertEquals(1, del.deleted());
    RangeResponse read = (RangeResponse) r.response().responses().get(2);
    assertArrayEquals(b("held"), read.kvs().get(0).value(), "reads in a txn see its writes");
    assertEquals(
        List.of(
            new Event(
                EventType.PUT,
                new KeyValue(b("lock"), b("held"), 1, 3, 2, 0),
                new KeyValue(b("lock"), b("free"), 1, 1, 1, 0),
                new Revision(3, 0)),
            new Event(
                EventType.DELETE,
                new KeyValue(b("x"), new byte[0], 0, 3, 0, 0),
                new KeyValue(b("x"), b("0"), 2, 2, 1, 0),
                new Revision(3, 1))),
        r.events());
    WriteResult<TxnResponse> again = store.txn(cas);
    assertFalse(again.response().succeeded());
    assertEquals(3, again.response().revision(), "a read-only txn does not bump the revision");
    assertEquals(List.of(), again.events());
  }

  @Test
  void nestedComparesSeeTheStateBeforeTheTxn() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    TxnRequest t =
        txn(
            List.of(),
            List.of(
                PutRequest.of(b("a"), b("1")),
                txn(
                    List.of(Compare.version(b("a"), CompareResult.EQUAL, 0)),
                    List.of(PutRequest.of(b("b"), b("a was absent at start"))),
                    List.of(PutRequest.of(b("b"), b("a existed"))))),
            List.of());
    TxnResponse r = store.txn(t).response();
    TxnResponse nested = (TxnResponse) r.responses().get(1);
    assertTrue(nested.succeeded());
    assertArrayEquals(b("a was absent at start"), store.view().get(b("b")).value());
  }

  @Test
  void rangeComparesRequireEveryKey() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("p/1"), b("x")));
    store.put(PutRequest.of(b("p/2"), b("x")));
    Compare allX =
        Compare.value(b("p/"), CompareResult.EQUAL, b("x")).overRange(Keys.prefixEnd(b("p/")));
    assertTrue(store.view().compare(allX));
    store.put(PutRequest.of(b("p/3"), b("y")));
    assertFalse(store.view().compare(allX));
    // On an empty range: value compares fail, others compare a zero version.
    Compare none =
        Compare.value(b("q/"), CompareResult.NOT_EQUAL, b("x")).overRange(Keys.prefixEnd(b("q/")));
    assertFalse(store.view().compare(none));
    assertTrue(store.view().compare(Compare.createRevision(b("q"), CompareResult.EQUAL, 0)));
    assertTrue(store.view().compare(Compare.modRevision(b("p/3"), CompareResult.GREATER, 2)));
    assertTrue(store.view().compare(Compare.lease(b("p/3"), CompareResult.LESS, 1)));
    assertTrue(store.view().compare(Compare.version(b("p/3"), CompareResult.NOT_EQUAL, 2)));
  }

  @Test
  void deleteOfNothingKeepsTheRevision() {
    MvccStore store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("a"), b("1")));
    WriteResult<DeleteRangeResponse> r =
        store.deleteRange(new DeleteRangeRequest(b("b"), new byte[] {0}, true));
    assertEquals(0, r.response().deleted());
    assertEquals(1, r.response().revision());
    assertEquals(List.of(), r.events());
    WriteResult<DeleteRangeResponse> all =
        store.deleteRange(new DeleteRangeRequest(b("a"), new byte[] {0}, true));
    assertEquals(1, all.response().deleted());
    assertEquals(2, all.response().revision());
    assertEquals(new KeyValue(b("a"), b("1"), 1, 1, 1, 0), all.response().prevKvs().get(0));
    assertNull(store.view().get(b("a")));
  }
}
