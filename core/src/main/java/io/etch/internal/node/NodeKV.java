package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.EtchException;
import io.etch.QuotaExceededException;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestHeader;
import io.etch.internal.request.RequestLimits;
import io.etch.kv.CompactResponse;
import io.etch.kv.DeleteResponse;
import io.etch.kv.GetResponse;
import io.etch.kv.KV;
import io.etch.kv.PutResponse;
import io.etch.kv.Txn;
import io.etch.kv.TxnResponse;
import io.etch.op.Op;
import io.etch.options.CompactOption;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.RangeRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The member's {@link KV}: writes are encoded, checked against the limits and proposed through the
 * owner thread; reads are served from the local store, after a ReadIndex round unless serializable.
 *
 * <p>Every check that can fail before proposing does (argument checks in the option builders and
 * {@link Op.TxnOp#validate}, sizes here), so a request that reaches the log is one every member can
 * apply.
 */
final class NodeKV implements KV {
  private final NodeServices services;
  private final RequestLimits limits;
  private final Proposer proposer;

  NodeKV(NodeServices services, RequestLimits limits, Proposer proposer) {
    this.services = services;
    this.limits = limits;
    this.proposer = proposer;
  }

  @Override
  public CompletableFuture<PutResponse> put(
      ByteSequence key, ByteSequence value, PutOption option) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(option, "option");
    try {
      option.checkValue(value);
      Op.PutOp op = Op.put(key, value, option);
      return propose("put", key, header -> new Request.Put(header, op), PutResponse.class, true);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<DeleteResponse> delete(ByteSequence key, DeleteOption option) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(option, "option");
    try {
      Op.DeleteOp op = Op.delete(key, option);
      return propose(
          "delete",
          key,
          header -> new Request.DeleteRange(header, op),
          DeleteResponse.class,
          false);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<CompactResponse> compact(long revision, CompactOption option) {
    Objects.requireNonNull(option, "option");
    return propose(
        "compact",
        ByteSequence.EMPTY,
        header -> new Request.Compact(header, revision, option.isPhysical()),
        CompactResponse.class,
        false);
  }

  @Override
  public Txn txn() {
    return Txn.collecting(this::commit);
  }

  private CompletableFuture<TxnResponse> commit(Op.TxnOp op) {
    try {
      op.validate(limits.maxTxnOps());
      ByteSequence firstKey =
          op.compares().isEmpty() ? firstKey(op) : op.compares().get(0).range().key();
      return propose(
          "txn",
          firstKey,
          header -> new Request.Txn(header, op),
          TxnResponse.class,
          !op.isReadOnly());
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ByteSequence firstKey(Op.TxnOp op) {
    for (Op o : op.thenOps()) {
      return switch (o.type()) {
        case PUT -> ((Op.PutOp) o).key();
        case GET -> ((Op.GetOp) o).key();
        case DELETE -> ((Op.DeleteOp) o).key();
        case TXN -> firstKey((Op.TxnOp) o);
      };
    }
    return ByteSequence.EMPTY;
  }

  @Override
  public CompletableFuture<GetResponse> get(ByteSequence key, GetOption option) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(option, "option");
    RangeRequest request;
    try {
      request = StoreMapping.range(key, option);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (option.isSerializable()) {
      // one key: bounded work, served on this thread (see LocalReads)
      return services.serializableRead(() -> read(request), request.rangeEnd().length == 0);
    }
    return services.linearizableRead(() -> read(request));
  }

  private GetResponse read(RangeRequest request) {
    MvccView view = services.view();
    return StoreMapping.getResponse(
        services.header(view.revision()),
        StoreErrors.call(() -> view.range(request), request.revision()));
  }

  private <R> CompletableFuture<R> propose(
      String operation,
      ByteSequence key,
      Function<RequestHeader, Request> factory,
      Class<R> type,
      boolean addsData) {
    if (addsData) {
      QuotaExceededException noSpace = services.checkQuota(key);
      if (noSpace != null) {
        return CompletableFuture.failedFuture(noSpace);
      }
    }
    return proposer.propose(operation, key, factory, type);
  }
}
