/**
 * The key-value API, shaped like jetcd's {@code io.etcd.jetcd.KV}: {@link io.etch.kv.KV} with
 * put/get/delete/compact/txn returning {@link java.util.concurrent.CompletableFuture}s, the
 * response records (each with a {@link io.etch.kv.Header}), {@link io.etch.kv.KeyValue}, the {@link
 * io.etch.kv.Txn} builder, and typed views over a {@link io.etch.kv.Codec} ({@link
 * io.etch.kv.TypedKV}).
 */
package io.etch.kv;
