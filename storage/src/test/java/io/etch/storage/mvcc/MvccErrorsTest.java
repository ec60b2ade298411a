package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every typed error, with the data it carries, and that a failed write changes nothing. */
class MvccErrorsTest {
  private final MvccConfig config =
      MvccConfig.builder().maxKeyBytes(8).maxValueBytes(16).maxTxnOps(3).build();
  private final MvccStore store = MvccStore.create(config);

  @Test
  void emptyKey() {
    assertThrows(EmptyKeyException.class, () -> store.put(PutRequest.of(new byte[0], b("v"))));
    assertThrows(EmptyKeyException.class, () -> store.range(RangeRequest.get(new byte[0])));
    assertThrows(
        EmptyKeyException.class, () -> store.deleteRange(DeleteRangeRequest.key(new byte[0])));
    assertThrows(EmptyKeyException.class, () -> store.view().get(null));
  }

  @Test
  void keyTooLarge() {
    byte[] big = new byte[9];
    KeyTooLargeException e =
        assertThrows(KeyTooLargeException.class, () -> store.put(PutRequest.of(big, b("v"))));
    assertEquals(9, e.sizeBytes());
    assertEquals(8, e.limitBytes());
    assertArrayEquals(big, e.key());
    assertThrows(KeyTooLargeException.class, () -> store.range(RangeRequest.range(b("a"), big)));
  }

  @Test
  void valueTooLarge() {
    ValueTooLargeException e =
        assertThrows(
            ValueTooLargeException.class, () -> store.put(PutRequest.of(b("k"), new byte[17])));
    assertEquals(17, e.sizeBytes());
    assertEquals(16, e.limitBytes());
    assertArrayEquals(b("k"), e.key());
  }

  @Test
  void rangeEndBeforeKey() {
    RangeEndBeforeKeyException e =
        assertThrows(
            RangeEndBeforeKeyException.class,
            () -> store.range(RangeRequest.range(b("b"), b("a"))));
    assertArrayEquals(b("b"), e.key());
    assertArrayEquals(b("a"), e.rangeEnd());
    assertThrows(
        RangeEndBeforeKeyException.class,
        () -> store.deleteRange(DeleteRangeRequest.range(b("b"), b("a"))));
  }

  @Test
  void negativeLimit() {
    NegativeLimitException e =
        assertThrows(
            NegativeLimitException.class,
            () -> store.range(RangeRequest.builder(b("a")).limit(-1).build()));
    assertEquals(-1, e.limit());
  }

  @Test
  void futureAndCompactedRevisions() {
    store.put(PutRequest.of(b("a"), b("1")));
    store.put(PutRequest.of(b("a"), b("2")));
    store.put(PutRequest.of(b("a"), b("3")));
    FutureRevisionException f =
        assertThrows(
            FutureRevisionException.class,
            () -> store.range(RangeRequest.builder(b("a")).revision(4).build()));
    assertEquals(4, f.requestedRevision());
    assertEquals(3, f.currentRevision());
    assertThrows(FutureRevisionException.class, () -> store.compact(4));
    assertThrows(FutureRevisionException.class, () -> store.view().hashKv(4));
    store.compact(2);
    CompactedException c =
        assertThrows(
            CompactedException.class,
            () -> store.range(RangeRequest.builder(b("a")).revision(1).build()));
    assertEquals(2, c.compactedRevision());
    // Reading at exactly the compacted revision is fine (etcd: rev < compactRev fails).
    assertEquals(b("2")[0], store.view().get(b("a"), 2).value()[0]);
    assertThrows(CompactedException.class, () -> store.compact(2));
    assertThrows(CompactedException.class, () -> store.compact(1));
    assertThrows(CompactedException.class, () -> store.view().hashKv(1));
    // Watch rule: start revision below the compacted revision fails, at it is served.
    assertThrows(
        CompactedException.class, () -> store.view().history(b("a"), null, new Revision(1, 0), 10));
    assertEquals(2, store.view().history(b("a"), null, new Revision(2, 0), 10).events().size());
  }

  @Test
  void ignoreValueAndIgnoreLease() {
    KeyNotFoundException e =
        assertThrows(
            KeyNotFoundException.class,
            () -> store.put(new PutRequest(b("k"), null, 0, false, true, false)));
    assertArrayEquals(b("k"), e.key());
    assertThrows(
        KeyNotFoundException.class,
        () -> store.put(new PutRequest(b("k"), b(""), 0, false, false, true)));
    assertThrows(
        ValueProvidedException.class,
        () -> store.put(new PutRequest(b("k"), b("v"), 0, false, true, false)));
    assertThrows(
        LeaseProvidedException.class,
        () -> store.put(new PutRequest(b("k"), b(""), 7, false, false, true)));
    store.put(PutRequest.withLease(b("k"), b("v1"), 7));
    store.put(new PutRequest(b("k"), null, 0, false, true, false));
    assertEquals(new KeyValue(b("k"), b("v1"), 1, 2, 2, 0), store.view().get(b("k")));
    store.put(new PutRequest(b("k"), b("v2"), 0, false, false, true));
    assertEquals(new KeyValue(b("k"), b("v2"), 1, 3, 3, 0), store.view().get(b("k")));
    store.put(PutRequest.withLease(b("k"), b("v2"), 9));
    store.put(new PutRequest(b("k"), b("v3"), 0, false, false, true));
    assertEquals(9, store.view().get(b("k")).lease());
  }

  @Test
  void tooManyTxnOps() {
    List<RequestOp> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      four.add(RangeRequest.get(b("k" + i)));
    }
    TooManyTxnOpsException e =
        assertThrows(
            TooManyTxnOpsException.class,
            () -> store.txn(new TxnRequest(List.of(), four, List.of())));
    assertEquals(4, e.count());
    assertEquals(3, e.limit());
    List<Compare> cmps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cmps.add(Compare.version(b("k"), CompareResult.EQUAL, 0));
    }
    assertThrows(
        TooManyTxnOpsException.class, () -> store.txn(new TxnRequest(cmps, List.of(), List.of())));
    // Nested levels are limited too.
    TxnRequest nested = new TxnRequest(List.of(), List.of(), four);
    assertThrows(
        TooManyTxnOpsException.class,
        () -> store.txn(new TxnRequest(List.of(), List.of(nested), List.of())));
    // Exactly at the limit is fine.
    assertEquals(
        0, store.txn(new TxnRequest(List.of(), four.subList(0, 3), List.of())).events().size());
  }

  @Test
  void failedTxnWritesNothing() {
    store.put(PutRequest.of(b("a"), b("1")));
    long rev = store.revision();
    KvHash hash = store.view().hashKv(0);
    // The second op fails on the chosen path (ignoreValue on a missing key): the first must not
    // have been applied.
    TxnRequest t =
        new TxnRequest(
            List.of(),
            List.of(
                PutRequest.of(b("a"), b("2")),
                new PutRequest(b("zz"), null, 0, false, true, false)),
            List.of());
    assertThrows(KeyNotFoundException.class, () -> store.txn(t));
    assertEquals(rev, store.revision());
    assertEquals(hash, store.view().hashKv(0));
    // A range at a future revision inside the txn fails it as a whole too.
    TxnRequest future =
        new TxnRequest(
            List.of(),
            List.of(
                PutRequest.of(b("a"), b("2")),
                RangeRequest.builder(b("a")).revision(rev + 1).build()),
            List.of());
    assertThrows(FutureRevisionException.class, () -> store.txn(future));
    assertEquals(rev, store.revision());
  }

  @Test
  void configBuilderRejectsMisuse() {
    IllegalArgumentException neg =
        assertThrows(IllegalArgumentException.class, () -> MvccConfig.builder().maxKeyBytes(0));
    assertTrue(neg.getMessage().contains("maxKeyBytes"));
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class, () -> MvccConfig.builder().maxTxnOps(1).maxTxnOps(2));
    assertTrue(twice.getMessage().contains("maxTxnOps"));
    MvccConfig d = MvccConfig.defaults();
    assertEquals(128, d.maxTxnOps());
  }

  @Test
  void compactStepRejectsNonPositiveBatch() {
    assertThrows(IllegalArgumentException.class, () -> store.compactStep(0));
  }
}
