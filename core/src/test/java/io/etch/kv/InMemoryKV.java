package io.etch.kv;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.EtchException;
import io.etch.FutureRevisionException;
import io.etch.KeyNotFoundException;
import io.etch.KeyRange;
import io.etch.LeaseNotFoundException;
import io.etch.op.Cmp;
import io.etch.op.Op;
import io.etch.options.CompactOption;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A single-threaded, in-memory {@link KV} for tests of the API layer, following etcd's semantics
 * for what it implements: revisions (one per write request, shared by a transaction), versions,
 * create/mod revisions, tombstones, reads at a revision, compaction, ranges (single, [key, end),
 * prefix, from-key), limit / more / count, sorting, keys-only / count-only, the min/max filters,
 * prevKV, leases on puts (only ids registered with {@link #grantLease}), ignoreValue / ignoreLease,
 * and transactions with compares, nested transactions, and the op-count and duplicate-key checks.
 * Every future is already complete when returned.
 */
final class InMemoryKV implements KV {
  static final int MAX_TXN_OPS = 128;

  /** One version of a key; {@code kv == null} marks a deletion (tombstone) at {@code revision}. */
  private record Version(long revision, KeyValue kv) {}

  private final NavigableMap<ByteSequence, List<Version>> history = new TreeMap<>();
  private final Set<Long> leases = new HashSet<>();
  private long revision = 1; // etcd starts at revision 1 with an empty store
  private long compactedRevision;
  private long pendingRevision; // revision of the write request being applied; 0 when none
  private boolean wrote;
  private int txnCommits;

  void grantLease(long leaseId) {
    leases.add(leaseId);
  }

  long revision() {
    return revision;
  }

  int txnCommits() {
    return txnCommits;
  }

  @Override
  public CompletableFuture<PutResponse> put(
      ByteSequence key, ByteSequence value, PutOption option) {
    return write(() -> doPut(Op.put(key, value, option)));
  }

  @Override
  public CompletableFuture<GetResponse> get(ByteSequence key, GetOption option) {
    return run(() -> doGet(key, option));
  }

  @Override
  public CompletableFuture<DeleteResponse> delete(ByteSequence key, DeleteOption option) {
    return write(() -> doDelete(new Op.DeleteOp(key, option)));
  }

  @Override
  public CompletableFuture<CompactResponse> compact(long rev, CompactOption option) {
    return run(
        () -> {
          if (rev <= compactedRevision) {
            throw new CompactedException(compactedRevision, rev);
          }
          if (rev > revision) {
            throw new FutureRevisionException(rev, revision);
          }
          compactedRevision = rev;
          return new CompactResponse(header());
        });
  }

  @Override
  public Txn txn() {
    return Txn.collecting(
        op ->
            write(
                () -> {
                  op.validate(MAX_TXN_OPS);
                  txnCommits++;
                  return doTxn(op);
                }));
  }

  private static <T> CompletableFuture<T> run(Supplier<T> call) {
    try {
      return CompletableFuture.completedFuture(call.get());
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Applies one write request at one new revision (kept only if something was written). */
  private <T> CompletableFuture<T> write(Supplier<T> call) {
    pendingRevision = revision + 1;
    wrote = false;
    Map<ByteSequence, List<Version>> undo = snapshot();
    try {
      T result = call.get();
      if (wrote) {
        revision = pendingRevision;
      }
      return CompletableFuture.completedFuture(result);
    } catch (EtchException e) {
      history.clear();
      history.putAll(undo); // nothing half-applied
      return CompletableFuture.failedFuture(e);
    } finally {
      pendingRevision = 0;
    }
  }

  private Map<ByteSequence, List<Version>> snapshot() {
    Map<ByteSequence, List<Version>> copy = new TreeMap<>();
    history.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    return copy;
  }

  /** The revision reads inside the current request see: the pending one if it wrote. */
  private long readRevision() {
    return pendingRevision != 0 && wrote ? pendingRevision : revision;
  }

  private Header header() {
    return new Header(1, 1, readRevision(), 1);
  }

  private KeyValue liveAt(ByteSequence key, long rev) {
    List<Version> versions = history.get(key);
    if (versions == null) {
      return null;
    }
    KeyValue found = null;
    for (Version v : versions) {
      if (v.revision() <= rev) {
        found = v.kv();
      }
    }
    return found;
  }

  private List<KeyValue> liveInRange(KeyRange range, long rev) {
    List<KeyValue> out = new ArrayList<>();
    if (range.isSingleKey()) {
      KeyValue kv = liveAt(range.key(), rev);
      if (kv != null) {
        out.add(kv);
      }
      return out;
    }
    NavigableMap<ByteSequence, List<Version>> span =
        range.isUnbounded()
            ? history.tailMap(range.key(), true)
            : range.rangeEnd().compareTo(range.key()) <= 0
                ? new TreeMap<>()
                : history.subMap(range.key(), true, range.rangeEnd(), false);
    for (ByteSequence key : span.keySet()) {
      KeyValue kv = liveAt(key, rev);
      if (kv != null) {
        out.add(kv);
      }
    }
    return out;
  }

  private GetResponse doGet(ByteSequence key, GetOption option) {
    KeyRange range = option.range(key);
    long rev = option.revision() == 0 ? readRevision() : option.revision();
    if (option.revision() != 0 && rev < compactedRevision) {
      throw new CompactedException(compactedRevision, rev);
    }
    if (rev > readRevision()) {
      throw new FutureRevisionException(rev, readRevision());
    }
    List<KeyValue> live = liveInRange(range, rev);
    long count = live.size();
    Header header = new Header(1, 1, readRevision(), 1);
    if (option.isCountOnly()) {
      return new GetResponse(header, List.of(), false, count);
    }
    List<KeyValue> kvs = new ArrayList<>();
    for (KeyValue kv : live) {
      if (within(kv.modRevision(), option.minModRevision(), option.maxModRevision())
          && within(kv.createRevision(), option.minCreateRevision(), option.maxCreateRevision())) {
        kvs.add(option.isKeysOnly() ? withoutValue(kv) : kv);
      }
    }
    Comparator<KeyValue> order = comparator(option.sortField());
    switch (option.effectiveSortOrder()) {
      case NONE -> {}
      case ASCEND -> kvs.sort(order);
      case DESCEND -> kvs.sort(order.reversed());
    }
    boolean more = false;
    if (option.limit() > 0 && kvs.size() > option.limit()) {
      kvs = kvs.subList(0, (int) option.limit());
      more = true;
    }
    return new GetResponse(header, kvs, more, count);
  }

  private static boolean within(long value, long min, long max) {
    return (min == 0 || value >= min) && (max == 0 || value <= max);
  }

  private static KeyValue withoutValue(KeyValue kv) {
    return new KeyValue(
        kv.key(),
        ByteSequence.EMPTY,
        kv.createRevision(),
        kv.modRevision(),
        kv.version(),
        kv.lease());
  }

  private static Comparator<KeyValue> comparator(GetOption.SortTarget target) {
    Comparator<KeyValue> byKey = Comparator.comparing(KeyValue::key);
    return switch (target) {
      case KEY -> byKey;
      case VERSION -> Comparator.comparingLong(KeyValue::version).thenComparing(byKey);
      case CREATE -> Comparator.comparingLong(KeyValue::createRevision).thenComparing(byKey);
      case MOD -> Comparator.comparingLong(KeyValue::modRevision).thenComparing(byKey);
      case VALUE -> Comparator.comparing(KeyValue::value).thenComparing(byKey);
    };
  }

  private PutResponse doPut(Op.PutOp op) {
    PutOption option = op.option();
    KeyValue prev = liveAt(op.key(), readRevision());
    if ((option.isIgnoreValue() || option.isIgnoreLease()) && prev == null) {
      throw new KeyNotFoundException(op.key());
    }
    long lease = option.isIgnoreLease() ? prev.lease() : option.leaseId();
    if (lease != 0 && !leases.contains(lease)) {
      throw new LeaseNotFoundException(lease);
    }
    ByteSequence value = option.isIgnoreValue() ? prev.value() : op.value();
    long created = prev == null ? pendingRevision : prev.createRevision();
    long version = prev == null ? 1 : prev.version() + 1;
    KeyValue kv = new KeyValue(op.key(), value, created, pendingRevision, version, lease);
    record(op.key(), kv);
    return new PutResponse(
        header(), option.isPrevKv() ? Optional.ofNullable(prev) : Optional.empty());
  }

  private DeleteResponse doDelete(Op.DeleteOp op) {
    List<KeyValue> live = liveInRange(op.range(), readRevision());
    for (KeyValue kv : live) {
      record(kv.key(), null);
    }
    return new DeleteResponse(header(), live.size(), op.option().isPrevKv() ? live : List.of());
  }

  private void record(ByteSequence key, KeyValue kvOrTombstone) {
    List<Version> versions = history.computeIfAbsent(key, k -> new ArrayList<>());
    if (!versions.isEmpty() && versions.get(versions.size() - 1).revision() == pendingRevision) {
      versions.remove(versions.size() - 1); // same key twice in one request cannot happen: checked
    }
    versions.add(new Version(pendingRevision, kvOrTombstone));
    wrote = true;
  }

  private TxnResponse doTxn(Op.TxnOp txn) {
    boolean succeeded = true;
    for (Cmp cmp : txn.compares()) {
      if (!cmp.evaluate(liveInRange(cmp.range(), readRevision()))) {
        succeeded = false;
        break;
      }
    }
    List<OpResponse> responses = new ArrayList<>();
    for (Op op : succeeded ? txn.thenOps() : txn.elseOps()) {
      responses.add(
          switch (op.type()) {
            case PUT -> doPut((Op.PutOp) op);
            case GET -> doGet(((Op.GetOp) op).key(), ((Op.GetOp) op).option());
            case DELETE -> doDelete((Op.DeleteOp) op);
            case TXN -> doTxn((Op.TxnOp) op);
          });
    }
    return new TxnResponse(header(), succeeded, responses);
  }
}
