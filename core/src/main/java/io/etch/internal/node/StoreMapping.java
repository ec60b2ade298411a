package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.kv.DeleteResponse;
import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.kv.KeyValue;
import io.etch.kv.OpResponse;
import io.etch.kv.PutResponse;
import io.etch.kv.TxnResponse;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.GetOption;
import io.etch.storage.mvcc.Compare;
import io.etch.storage.mvcc.CompareResult;
import io.etch.storage.mvcc.CompareTarget;
import io.etch.storage.mvcc.DeleteRangeRequest;
import io.etch.storage.mvcc.DeleteRangeResponse;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RangeRequest;
import io.etch.storage.mvcc.RangeResponse;
import io.etch.storage.mvcc.RequestOp;
import io.etch.storage.mvcc.ResponseOp;
import io.etch.storage.mvcc.SortOrder;
import io.etch.storage.mvcc.SortTarget;
import io.etch.storage.mvcc.TxnRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates between the public API's operations and responses ({@code io.etch.op}, {@code
 * io.etch.kv}) and the MVCC store's requests and responses. Stateless; the header (cluster, member,
 * revision, term) is supplied by the caller.
 */
final class StoreMapping {
  private StoreMapping() {}

  static RangeRequest range(ByteSequence key, GetOption option) {
    KeyRange range = option.range(key);
    return RangeRequest.builder(range.key().unsafeBytes())
        .rangeEnd(range.rangeEnd().unsafeBytes())
        .limit(option.limit())
        .revision(option.revision())
        .sort(sortOrder(option.effectiveSortOrder()), sortTarget(option.sortField()))
        .keysOnly(option.isKeysOnly())
        .countOnly(option.isCountOnly())
        .modRevisions(option.minModRevision(), option.maxModRevision())
        .createRevisions(option.minCreateRevision(), option.maxCreateRevision())
        .build();
  }

  private static SortOrder sortOrder(GetOption.SortOrder order) {
    return switch (order) {
      case NONE -> SortOrder.NONE;
      case ASCEND -> SortOrder.ASCEND;
      case DESCEND -> SortOrder.DESCEND;
    };
  }

  private static SortTarget sortTarget(GetOption.SortTarget target) {
    return switch (target) {
      case KEY -> SortTarget.KEY;
      case VERSION -> SortTarget.VERSION;
      case CREATE -> SortTarget.CREATE;
      case MOD -> SortTarget.MOD;
      case VALUE -> SortTarget.VALUE;
    };
  }

  static PutRequest put(Op.PutOp op) {
    return new PutRequest(
        op.key().unsafeBytes(),
        op.value().unsafeBytes(),
        op.option().leaseId(),
        op.option().isPrevKv(),
        op.option().isIgnoreValue(),
        op.option().isIgnoreLease());
  }

  static DeleteRangeRequest delete(Op.DeleteOp op) {
    KeyRange range = op.range();
    return new DeleteRangeRequest(
        range.key().unsafeBytes(), range.rangeEnd().unsafeBytes(), op.option().isPrevKv());
  }

  static TxnRequest txn(Op.TxnOp op) {
    List<Compare> compares = new ArrayList<>(op.compares().size());
    for (Cmp cmp : op.compares()) {
      compares.add(compare(cmp));
    }
    return new TxnRequest(compares, ops(op.thenOps()), ops(op.elseOps()));
  }

  private static List<RequestOp> ops(List<Op> ops) {
    List<RequestOp> out = new ArrayList<>(ops.size());
    for (Op op : ops) {
      out.add(
          switch (op.type()) {
            case PUT -> put((Op.PutOp) op);
            case GET -> range(((Op.GetOp) op).key(), ((Op.GetOp) op).option());
            case DELETE -> delete((Op.DeleteOp) op);
            case TXN -> txn((Op.TxnOp) op);
          });
    }
    return out;
  }

  private static Compare compare(Cmp cmp) {
    CmpTarget<?> target = cmp.target();
    CompareResult result =
        switch (cmp.result()) {
          case EQUAL -> CompareResult.EQUAL;
          case NOT_EQUAL -> CompareResult.NOT_EQUAL;
          case GREATER -> CompareResult.GREATER;
          case LESS -> CompareResult.LESS;
        };
    byte[] key = cmp.range().key().unsafeBytes();
    byte[] end = cmp.range().rangeEnd().unsafeBytes();
    return switch (target.type()) {
      case VERSION ->
          new Compare(key, end, CompareTarget.VERSION, result, target.longOperand(), null);
      case CREATE ->
          new Compare(key, end, CompareTarget.CREATE, result, target.longOperand(), null);
      case MOD -> new Compare(key, end, CompareTarget.MOD, result, target.longOperand(), null);
      case LEASE -> new Compare(key, end, CompareTarget.LEASE, result, target.longOperand(), null);
      case VALUE ->
          new Compare(
              key, end, CompareTarget.VALUE, result, 0, target.valueOperand().unsafeBytes());
    };
  }

  static KeyValue keyValue(io.etch.storage.mvcc.KeyValue kv) {
    return new KeyValue(
        ByteSequence.wrap(kv.key()),
        ByteSequence.wrap(kv.value()),
        kv.createRevision(),
        kv.modRevision(),
        kv.version(),
        kv.lease());
  }

  private static List<KeyValue> keyValues(List<io.etch.storage.mvcc.KeyValue> kvs) {
    List<KeyValue> out = new ArrayList<>(kvs.size());
    for (io.etch.storage.mvcc.KeyValue kv : kvs) {
      out.add(keyValue(kv));
    }
    return out;
  }

  static GetResponse getResponse(Header header, RangeResponse r) {
    return new GetResponse(header, keyValues(r.kvs()), r.more(), r.count());
  }

  static PutResponse putResponse(Header header, io.etch.storage.mvcc.PutResponse r) {
    return new PutResponse(
        header, r.prevKv() == null ? Optional.empty() : Optional.of(keyValue(r.prevKv())));
  }

  static DeleteResponse deleteResponse(Header header, DeleteRangeResponse r) {
    return new DeleteResponse(header, r.deleted(), keyValues(r.prevKvs()));
  }

  static TxnResponse txnResponse(Header header, io.etch.storage.mvcc.TxnResponse r) {
    List<OpResponse> responses = new ArrayList<>(r.responses().size());
    for (ResponseOp op : r.responses()) {
      responses.add(
          switch (op.kind()) {
            case RANGE -> getResponse(header, (RangeResponse) op);
            case PUT -> putResponse(header, (io.etch.storage.mvcc.PutResponse) op);
            case DELETE_RANGE -> deleteResponse(header, (DeleteRangeResponse) op);
            case TXN -> txnResponse(header, (io.etch.storage.mvcc.TxnResponse) op);
          });
    }
    return new TxnResponse(header, r.succeeded(), responses);
  }
}
