package io.etch.kv;

import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A view of a {@link KV} with typed keys and values, obtained from {@link KV#typed(Codec, Codec)}.
 * Every call encodes through the codecs and delegates to the underlying {@code KV}, so semantics,
 * errors and threading are the underlying store's. Options apply to the encoded key: a prefix read
 * with {@code GetOption.builder().isPrefix(true)} selects keys whose encoding starts with the
 * encoded key.
 *
 * <p>The conditional writes are single-key transactions ("txn-lite"), each one atomic at one
 * revision; on failure they report the key's current state.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface TypedKV<K, V> {
  /** The store this view delegates to. */
  KV raw();

  Codec<K> keyCodec();

  Codec<V> valueCodec();

  /** The key's current key-value, if it exists (a linearizable read of one key). */
  CompletableFuture<Optional<TypedKeyValue<K, V>>> get(K key);

  /** A read with options; see {@link GetOption}. */
  CompletableFuture<TypedGetResponse<K, V>> get(K key, GetOption option);

  CompletableFuture<TypedPutResponse<K, V>> put(K key, V value);

  CompletableFuture<TypedPutResponse<K, V>> put(K key, V value, PutOption option);

  CompletableFuture<TypedDeleteResponse<K, V>> delete(K key);

  CompletableFuture<TypedDeleteResponse<K, V>> delete(K key, DeleteOption option);

  /** Puts only if the key does not exist (its version is 0). */
  CompletableFuture<TypedTxnResult<K, V>> putIfAbsent(K key, V value);

  /**
   * Puts only if the key's mod revision is {@code expectedModRevision} (0 means "does not exist"):
   * the compare-and-set of optimistic concurrency.
   */
  CompletableFuture<TypedTxnResult<K, V>> putIfModRevision(
      K key, long expectedModRevision, V value);

  /** Puts {@code value} only if the key exists with the value {@code expected}. */
  CompletableFuture<TypedTxnResult<K, V>> replace(K key, V expected, V value);

  /** Deletes only if the key's mod revision is {@code expectedModRevision}. */
  CompletableFuture<TypedTxnResult<K, V>> deleteIfModRevision(K key, long expectedModRevision);
}
