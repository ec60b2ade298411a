package io.etch.kv;

import io.etch.ByteSequence;
import io.etch.options.CompactOption;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated key-value store, shaped like jetcd's {@code KV}.
 *
 * <p>Every method returns at once; the future completes on the node's callback executor (never on a
 * Raft or network thread), after the operation is applied on this member. One exception: a
 * serializable {@link #get} of a single key (no range end) is served from local state on the
 * calling thread, and the future it returns is already complete (stages attached to it run on the
 * caller's thread). Failures complete it exceptionally with an {@link io.etch.EtchException}
 * subclass: {@code InvalidArgumentException}, {@code RequestTooLargeException} (key, size and
 * limit), {@code QuotaExceededException} (writes only), {@code CompactedException} / {@code
 * FutureRevisionException} (reads at a revision, compaction), {@code LeaseNotFoundException},
 * {@code KeyNotFoundException} (ignoreValue / ignoreLease on a missing key), {@code
 * RequestTimeoutException}, {@code NoLeaderException}, {@code NodeClosedException}. Invalid
 * arguments found before sending fail the future too; only a {@code null} argument throws ({@link
 * NullPointerException}).
 *
 * <p>Writes are acknowledged once durable on a quorum and applied. Reads are linearizable unless
 * {@link GetOption#isSerializable()}. Every member accepts every call; followers forward to the
 * leader internally.
 *
 * <p>Keys are non-empty {@link ByteSequence}s ordered as unsigned bytes; values may be empty.
 */
public interface KV {
  /**
   * Puts {@code value} at {@code key}, creating a revision. The request is checked as {@link
   * io.etch.op.Op.PutOp} checks it (non-empty key; an empty value when the option ignores the
   * value), then against the node's limits ({@code RequestTooLargeException}, {@code
   * QuotaExceededException}).
   */
  CompletableFuture<PutResponse> put(ByteSequence key, ByteSequence value, PutOption option);

  default CompletableFuture<PutResponse> put(ByteSequence key, ByteSequence value) {
    return put(key, value, PutOption.DEFAULT);
  }

  /** Reads the key, or the range the option selects. */
  CompletableFuture<GetResponse> get(ByteSequence key, GetOption option);

  default CompletableFuture<GetResponse> get(ByteSequence key) {
    return get(key, GetOption.DEFAULT);
  }

  /** Deletes the key, or the range the option selects. */
  CompletableFuture<DeleteResponse> delete(ByteSequence key, DeleteOption option);

  default CompletableFuture<DeleteResponse> delete(ByteSequence key) {
    return delete(key, DeleteOption.DEFAULT);
  }

  /**
   * Compacts the history up to {@code revision} (which must be positive, above the current
   * compaction revision and at most the current revision); see {@link CompactOption}.
   */
  CompletableFuture<CompactResponse> compact(long revision, CompactOption option);

  default CompletableFuture<CompactResponse> compact(long revision) {
    return compact(revision, CompactOption.DEFAULT);
  }

  /** Starts a transaction; see {@link Txn}. */
  Txn txn();

  /**
   * A typed view of this store: keys and values go through the codecs, every call delegates to this
   * {@code KV}. Views are cheap and stateless; make as many as needed.
   */
  default <K, V> TypedKV<K, V> typed(Codec<K> keyCodec, Codec<V> valueCodec) {
    return new CodecKV<>(this, keyCodec, valueCodec);
  }
}
