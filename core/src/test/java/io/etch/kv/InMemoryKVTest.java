package io.etch.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.DuplicateKeyInTxnException;
import io.etch.FutureRevisionException;
import io.etch.LeaseNotFoundException;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The test double follows etcd for what the API tests rely on; this pins that down. */
class InMemoryKVTest {
  private final InMemoryKV kv = new InMemoryKV();

  private static ByteSequence b(String s) {
    return ByteSequence.from(s);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  private List<String> keys(GetResponse r) {
    return r.kvs().stream().map(x -> x.key().toString()).toList();
  }

  @Test
  void revisionsVersionsAndTombstones() {
    assertEquals(2, kv.put(b("a"), b("1")).join().header().revision());
    assertEquals(3, kv.put(b("a"), b("2")).join().header().revision());
    KeyValue a = kv.get(b("a")).join().kvs().get(0);
    assertEquals(2, a.createRevision());
    assertEquals(3, a.modRevision());
    assertEquals(2, a.version());
    assertEquals(1, kv.delete(b("a")).join().deleted());
    assertEquals(0, kv.delete(b("a")).join().deleted());
    assertEquals(4, kv.revision(), "deleting nothing creates no revision");
    kv.put(b("a"), b("3")).join();
    KeyValue recreated = kv.get(b("a")).join().kvs().get(0);
    assertEquals(1, recreated.version());
    assertEquals(5, recreated.createRevision());
    assertEquals(
        b("2"),
        kv.get(b("a"), GetOption.builder().withRevision(3).build()).join().kvs().get(0).value());
    assertTrue(kv.get(b("a"), GetOption.builder().withRevision(4).build()).join().kvs().isEmpty());
  }

  @Test
  void rangeOptions() {
    for (String k : List.of("a", "b1", "b2", "b3", "c")) {
      kv.put(b(k), b("v" + k)).join();
    }
    assertEquals(
        List.of("b1", "b2", "b3"),
        keys(kv.get(b("b"), GetOption.builder().isPrefix(true).build()).join()));
    assertEquals(
        List.of("b2", "b3", "c"),
        keys(kv.get(b("b2"), GetOption.builder().withFromKey(true).build()).join()));
    assertEquals(
        List.of("a", "b1"),
        keys(kv.get(b("a"), GetOption.builder().withRange(b("b2")).build()).join()));
    GetResponse limited =
        kv.get(b("b"), GetOption.builder().isPrefix(true).withLimit(2).build()).join();
    assertEquals(List.of("b1", "b2"), keys(limited));
    assertTrue(limited.more());
    assertEquals(3, limited.count());
    GetResponse counted =
        kv.get(b(""), GetOption.builder().isPrefix(true).withCountOnly(true).build()).join();
    assertEquals(5, counted.count());
    assertTrue(counted.kvs().isEmpty());
    GetResponse filtered =
        kv.get(b("b"), GetOption.builder().isPrefix(true).withMinModRevision(4).build()).join();
    assertEquals(List.of("b2", "b3"), keys(filtered));
    assertEquals(3, filtered.count(), "count ignores the filters");
    GetResponse byModDesc =
        kv.get(
                b("b"),
                GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.MOD)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .build())
            .join();
    assertEquals(List.of("b3", "b2", "b1"), keys(byModDesc));
    GetResponse keysOnly = kv.get(b("a"), GetOption.builder().withKeysOnly(true).build()).join();
    assertTrue(keysOnly.kvs().get(0).value().isEmpty());
    assertEquals(
        3, kv.delete(b("b"), DeleteOption.builder().isPrefix(true).build()).join().deleted());
  }

  @Test
  void errorsLikeEtcd() {
    kv.put(b("a"), b("1")).join();
    kv.put(b("a"), b("2")).join();
    kv.compact(3).join();
    assertEquals(3, ((CompactedException) failure(kv.compact(3))).compactedRevision());
    assertInstanceOf(
        CompactedException.class,
        failure(kv.get(b("a"), GetOption.builder().withRevision(2).build())));
    FutureRevisionException future =
        (FutureRevisionException)
            failure(kv.get(b("a"), GetOption.builder().withRevision(9).build()));
    assertEquals(3, future.currentRevision());
    assertEquals(9, future.requestedRevision());
    assertEquals(
        0x2a,
        ((LeaseNotFoundException)
                failure(kv.put(b("l"), b("v"), PutOption.builder().withLeaseId(0x2a).build())))
            .leaseId());
    kv.grantLease(0x2a);
    kv.put(b("l"), b("v"), PutOption.builder().withLeaseId(0x2a).build()).join();
    assertEquals(0x2a, kv.get(b("l")).join().kvs().get(0).lease());
  }

  @Test
  void transactionsAreAtomicAtOneRevision() {
    kv.put(b("x"), b("0")).join();
    TxnResponse r =
        kv.txn()
            .If(new Cmp(b("x"), Cmp.Result.EQUAL, CmpTarget.value(b("0"))))
            .Then(
                Op.put(b("x"), b("1"), PutOption.DEFAULT),
                Op.put(b("y"), b("1"), PutOption.DEFAULT),
                Op.get(b("x"), GetOption.DEFAULT))
            .commit()
            .join();
    assertTrue(r.succeeded());
    assertEquals(3, r.header().revision());
    assertEquals(b("1"), r.getResponses().get(0).kvs().get(0).value(), "a get sees earlier ops");
    assertEquals(3, kv.get(b("y")).join().kvs().get(0).modRevision());

    Throwable dup =
        failure(
            kv.txn()
                .Then(
                    Op.put(b("z"), b("1"), PutOption.DEFAULT),
                    Op.put(b("z"), b("2"), PutOption.DEFAULT))
                .commit());
    assertInstanceOf(DuplicateKeyInTxnException.class, dup);
    Throwable half =
        failure(
            kv.txn()
                .Then(
                    Op.put(b("z"), b("1"), PutOption.DEFAULT),
                    Op.put(b("w"), b("1"), PutOption.builder().withLeaseId(99).build()))
                .commit());
    assertInstanceOf(LeaseNotFoundException.class, half);
    assertTrue(kv.get(b("z")).join().kvs().isEmpty(), "nothing half-applied");
    assertEquals(3, kv.revision());
    assertFalse(
        kv.txn()
            .If(new Cmp(b("x"), Cmp.Result.EQUAL, CmpTarget.version(0)))
            .commit()
            .join()
            .succeeded());
  }
}
