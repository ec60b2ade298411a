package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.QuotaExceededException;
import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.storage.mvcc.MvccView;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** What the member's API objects ({@link NodeKV}, {@link NodeMaintenance}) need from the node. */
interface NodeServices {
  long memberId();

  long maxRequestBytes();

  /** The store's current view; any thread. */
  MvccView view();

  /** A response header at {@code revision} with the current term. */
  Header header(long revision);

  /**
   * etcd's quota check before a request that may add data: null when there is room; otherwise the
   * error to fail it with, after raising the NOSPACE alarm (proposed, replicated).
   */
  QuotaExceededException checkQuota(ByteSequence key);

  /** Proposes an encoded request; the future completes (on the callback executor) once applied. */
  CompletableFuture<Object> propose(String operation, long requestId, byte[] payload);

  /**
   * Runs {@code read} against local state: on the calling thread when {@code pointRead} (the future
   * returned is complete), otherwise on the callback executor.
   */
  CompletableFuture<GetResponse> serializableRead(Supplier<GetResponse> read, boolean pointRead);

  /** Runs {@code read} once a ReadIndex round confirmed, and this member applied, a read point. */
  CompletableFuture<GetResponse> linearizableRead(Supplier<GetResponse> read);
}
