package io.etch.kv;

import io.etch.ByteSequence;
import io.etch.EtchException;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link KV#typed}: a stateless decorator that encodes arguments and decodes responses. */
final class CodecKV<K, V> implements TypedKV<K, V> {
  private final KV kv;
  private final Codec<K> keyCodec;
  private final Codec<V> valueCodec;

  CodecKV(KV kv, Codec<K> keyCodec, Codec<V> valueCodec) {
    this.kv = Objects.requireNonNull(kv, "kv");
    this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
    this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
  }

  @Override
  public KV raw() {
    return kv;
  }

  @Override
  public Codec<K> keyCodec() {
    return keyCodec;
  }

  @Override
  public Codec<V> valueCodec() {
    return valueCodec;
  }

  @Override
  public CompletableFuture<Optional<TypedKeyValue<K, V>>> get(K key) {
    return attempt(
        () ->
            kv.get(encodeKey(key), GetOption.DEFAULT)
                .thenApply(
                    r ->
                        r.kvs().isEmpty() ? Optional.empty() : Optional.of(typed(r.kvs().get(0)))));
  }

  @Override
  public CompletableFuture<TypedGetResponse<K, V>> get(K key, GetOption option) {
    return attempt(
        () ->
            kv.get(encodeKey(key), option)
                .thenApply(
                    r -> new TypedGetResponse<>(r.header(), typed(r.kvs()), r.more(), r.count())));
  }

  @Override
  public CompletableFuture<TypedPutResponse<K, V>> put(K key, V value) {
    return put(key, value, PutOption.DEFAULT);
  }

  @Override
  public CompletableFuture<TypedPutResponse<K, V>> put(K key, V value, PutOption option) {
    return attempt(
        () ->
            kv.put(encodeKey(key), encodeValue(value), option)
                .thenApply(r -> new TypedPutResponse<>(r.header(), r.prevKv().map(this::typed))));
  }

  @Override
  public CompletableFuture<TypedDeleteResponse<K, V>> delete(K key) {
    return delete(key, DeleteOption.DEFAULT);
  }

  @Override
  public CompletableFuture<TypedDeleteResponse<K, V>> delete(K key, DeleteOption option) {
    return attempt(
        () ->
            kv.delete(encodeKey(key), option)
                .thenApply(
                    r -> new TypedDeleteResponse<>(r.header(), r.deleted(), typed(r.prevKvs()))));
  }

  @Override
  public CompletableFuture<TypedTxnResult<K, V>> putIfAbsent(K key, V value) {
    return conditional(
        () -> encodeKey(key),
        k -> new Cmp(k, Cmp.Result.EQUAL, CmpTarget.version(0)),
        k -> Op.put(k, encodeValue(value), PutOption.DEFAULT));
  }

  @Override
  public CompletableFuture<TypedTxnResult<K, V>> putIfModRevision(
      K key, long expectedModRevision, V value) {
    return conditional(
        () -> encodeKey(key),
        k -> new Cmp(k, Cmp.Result.EQUAL, CmpTarget.modRevision(expectedModRevision)),
        k -> Op.put(k, encodeValue(value), PutOption.DEFAULT));
  }

  @Override
  public CompletableFuture<TypedTxnResult<K, V>> replace(K key, V expected, V value) {
    return conditional(
        () -> encodeKey(key),
        k -> new Cmp(k, Cmp.Result.EQUAL, CmpTarget.value(encodeValue(expected))),
        k -> Op.put(k, encodeValue(value), PutOption.DEFAULT));
  }

  @Override
  public CompletableFuture<TypedTxnResult<K, V>> deleteIfModRevision(
      K key, long expectedModRevision) {
    return conditional(
        () -> encodeKey(key),
        k -> new Cmp(k, Cmp.Result.EQUAL, CmpTarget.modRevision(expectedModRevision)),
        k -> Op.delete(k, DeleteOption.DEFAULT));
  }

  /** If {@code guard} then {@code write} else read the key, in one transaction. */
  private CompletableFuture<TypedTxnResult<K, V>> conditional(
      Supplier<ByteSequence> key,
      Function<ByteSequence, Cmp> guard,
      Function<ByteSequence, Op> write) {
    return attempt(
        () -> {
          ByteSequence k = key.get();
          return conditional(k, guard.apply(k), write.apply(k));
        });
  }

  private CompletableFuture<TypedTxnResult<K, V>> conditional(
      ByteSequence key, Cmp guard, Op write) {
    return kv.txn()
        .If(guard)
        .Then(write)
        .Else(Op.get(key, GetOption.DEFAULT))
        .commit()
        .thenApply(
            r -> {
              if (r.succeeded()) {
                return new TypedTxnResult<K, V>(true, r.header(), Optional.empty());
              }
              List<KeyValue> current = r.getResponses().get(0).kvs();
              return new TypedTxnResult<>(
                  false,
                  r.header(),
                  current.isEmpty() ? Optional.empty() : Optional.of(typed(current.get(0))));
            });
  }

  /**
   * Runs {@code call}, turning an {@link EtchException} thrown while encoding or building the
   * request into a failed future, so every failure reaches the caller the same way.
   */
  private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private ByteSequence encodeKey(K key) {
    return keyCodec.encode(Objects.requireNonNull(key, "key"));
  }

  private ByteSequence encodeValue(V value) {
    return valueCodec.encode(Objects.requireNonNull(value, "value"));
  }

  private TypedKeyValue<K, V> typed(KeyValue kv) {
    return new TypedKeyValue<>(kv, keyCodec, valueCodec);
  }

  private List<TypedKeyValue<K, V>> typed(List<KeyValue> kvs) {
    List<TypedKeyValue<K, V>> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      out.add(typed(kv));
    }
    return out;
  }
}
