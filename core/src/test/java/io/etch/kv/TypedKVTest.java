package io.etch.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.InvalidArgumentException;
import io.etch.KeyNotFoundException;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed view is a real decorator: exercised against the in-memory etcd-semantics KV. */
class TypedKVTest {
  private InMemoryKV store;
  private TypedKV<String, Long> counters;

  @BeforeEach
  void setUp() {
    store = new InMemoryKV();
    counters = store.typed(Codec.utf8(), Codec.int64());
  }

  private static <T> T join(CompletableFuture<T> f) {
    assertTrue(f.isDone(), "the in-memory KV completes at once");
    return f.join();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void putThenGetDecodesKeyValueAndMetadata() {
    TypedPutResponse<String, Long> put = join(counters.put("hits", 41L));
    assertEquals(2, put.header().revision());
    assertTrue(put.prevKv().isEmpty());
    TypedKeyValue<String, Long> kv = join(counters.get("hits")).orElseThrow();
    assertEquals("hits", kv.key());
    assertEquals(41L, kv.value());
    assertEquals(1, kv.version());
    assertEquals(2, kv.createRevision());
    assertEquals(2, kv.modRevision());
    assertEquals(0, kv.lease());
    assertEquals(Codec.int64().encode(41L), kv.raw().value(), "stored through the codec");
    assertEquals(Optional.empty(), join(counters.get("misses")));
  }

  @Test
  void prevKvIsTyped() {
    join(counters.put("n", 1L));
    TypedPutResponse<String, Long> second =
        join(counters.put("n", 2L, PutOption.builder().withPrevKV().build()));
    assertEquals(1L, second.prevKv().orElseThrow().value());
    TypedDeleteResponse<String, Long> deleted =
        join(counters.delete("n", DeleteOption.builder().withPrevKV(true).build()));
    assertEquals(1, deleted.deleted());
    assertEquals(2L, deleted.prevKvs().get(0).value());
    assertEquals(0, join(counters.delete("n")).deleted());
  }

  @Test
  void rangeReadsWorkOnEncodedKeys() {
    for (String k : List.of("app/a", "app/b", "app/c", "apq", "other")) {
      join(counters.put(k, (long) k.length()));
    }
    TypedGetResponse<String, Long> r =
        join(
            counters.get(
                "app/",
                GetOption.builder()
                    .isPrefix(true)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .withLimit(2)
                    .build()));
    assertEquals(List.of("app/c", "app/b"), r.kvs().stream().map(TypedKeyValue::key).toList());
    assertTrue(r.more());
    assertEquals(3, r.count());
  }

  @Test
  void keysOnlyReadsKeepKeysAndFailOnlyWhenTheValueIsDecoded() {
    join(counters.put("k", 5L));
    TypedKeyValue<String, Long> kv =
        join(counters.get("k", GetOption.builder().withKeysOnly(true).build())).kvs().get(0);
    assertEquals("k", kv.key());
    assertThrows(DecodingException.class, kv::value, "an empty value is not an int64");
  }

  @Test
  void putIfAbsentSucceedsOnceAndReportsTheWinner() {
    TypedTxnResult<String, Long> first = join(counters.putIfAbsent("lock", 1L));
    assertTrue(first.succeeded());
    assertEquals(2, first.header().revision());
    assertTrue(first.current().isEmpty());
    TypedTxnResult<String, Long> second = join(counters.putIfAbsent("lock", 2L));
    assertFalse(second.succeeded());
    assertEquals(1L, second.current().orElseThrow().value());
    assertEquals(2, store.revision(), "a failed conditional write creates no revision");
    assertEquals(2, store.txnCommits());
  }

  @Test
  void putIfModRevisionIsCompareAndSet() {
    long rev = join(counters.put("c", 10L)).header().revision();
    TypedTxnResult<String, Long> ok = join(counters.putIfModRevision("c", rev, 11L));
    assertTrue(ok.succeeded());
    TypedTxnResult<String, Long> stale = join(counters.putIfModRevision("c", rev, 12L));
    assertFalse(stale.succeeded());
    assertEquals(11L, stale.current().orElseThrow().value());
    assertEquals(ok.header().revision(), stale.current().orElseThrow().modRevision());
    assertTrue(join(counters.putIfModRevision("fresh", 0, 1L)).succeeded(), "0 means absent");
  }

  @Test
  void replaceComparesTheEncodedValue() {
    join(counters.put("v", 1L));
    assertFalse(join(counters.replace("v", 2L, 3L)).succeeded());
    assertTrue(join(counters.replace("v", 1L, 3L)).succeeded());
    assertEquals(3L, join(counters.get("v")).orElseThrow().value());
    TypedTxnResult<String, Long> missing = join(counters.replace("nope", 0L, 1L));
    assertFalse(missing.succeeded(), "a value compare on a missing key fails, as in etcd");
    assertTrue(missing.current().isEmpty());
  }

  @Test
  void deleteIfModRevision() {
    long rev = join(counters.put("d", 1L)).header().revision();
    assertFalse(join(counters.deleteIfModRevision("d", rev + 1)).succeeded());
    assertTrue(join(counters.deleteIfModRevision("d", rev)).succeeded());
    assertEquals(Optional.empty(), join(counters.get("d")));
  }

  @Test
  void errorsArriveThroughTheFuture() {
    Throwable notFound =
        failure(counters.put("ghost", 1L, PutOption.builder().withIgnoreLease().build()));
    assertInstanceOf(KeyNotFoundException.class, notFound);
    assertEquals(ByteSequence.from("ghost"), ((KeyNotFoundException) notFound).key());

    Throwable emptyKey = failure(counters.put("", 1L));
    assertEquals("key", ((InvalidArgumentException) emptyKey).argument());

    TypedKV<String, String> text = store.typed(Codec.utf8(), Codec.utf8());
    Throwable unencodable = failure(text.putIfAbsent("k", "\uD800"));
    assertInstanceOf(InvalidArgumentException.class, unencodable);

    assertThrows(NullPointerException.class, () -> counters.put(null, 1L));
  }

  @Test
  void viewsShareTheStore() {
    join(counters.put("shared", 9L));
    TypedKV<String, byte[]> raw = store.typed(Codec.utf8(), Codec.bytes());
    assertEquals(8, join(raw.get("shared")).orElseThrow().value().length);
    assertEquals(store, counters.raw());
    assertEquals(Codec.utf8(), counters.keyCodec());
    assertEquals(Codec.int64(), counters.valueCodec());
  }
}
