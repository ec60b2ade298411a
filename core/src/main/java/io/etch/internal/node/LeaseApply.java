package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.Clock;
import io.etch.internal.lease.Lessor;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestHeader;
import io.etch.kv.Header;
import io.etch.lease.LeaseGrantResponse;
import io.etch.lease.LeaseRevokeResponse;
import io.etch.op.Cmp;
import io.etch.op.Op;
import io.etch.storage.mvcc.DeleteRangeRequest;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.EventType;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.RequestOp;
import io.etch.storage.mvcc.TxnRequest;
import io.etch.storage.mvcc.TxnResponse;
import io.etch.storage.mvcc.WriteResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease side of applying committed entries: the replicated lease table ({@link Lessor}) kept in
 * step with the store, on the applier thread.
 *
 * <ul>
 *   <li>LEASE_GRANT: a grant that asked for id 0 gets its id here, deterministically on every
 *       member: the first id at or after the request id (sign bit cleared) that is not a live
 *       lease. The table is replicated, so every member picks the same id and no clash is possible.
 *   <li>LEASE_REVOKE: the lease's keys are deleted in <b>one</b> store transaction, so at one
 *       revision: watchers see the DELETE events together. A transaction holds at most {@code
 *       maxTxnOps} operations per list, so more keys are deleted through nested transactions
 *       (fan-out {@code maxTxnOps} per level), still one revision.
 *   <li>Puts and transactions: before the store changes, every put of the branch that will run must
 *       name a live lease ({@code LeaseNotFoundException}, nothing changed, as etcd); after the
 *       store changed, its events move attachments: a PUT attaches the key to the lease its new
 *       version carries (0 detaches; an ignoreLease put keeps the old one), a DELETE detaches it.
 *   <li>LEASE_CHECKPOINT: records the remaining TTLs.
 * </ul>
 *
 * Not thread-safe: applier thread only (or before it starts).
 */
final class LeaseApply {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseApply.class);
  private static final byte[] NO_RANGE_END = new byte[0];

  private final Lessor lessor;
  private final Clock clock;
  private final LongFunction<Header> header;
  private final EventSink events;
  private LongConsumer onRevoked = id -> {};

  /** Where the events of a revoke's deletes go (the watch hub). */
  interface EventSink {
    void published(long revision, List<Event> events);
  }

  LeaseApply(Lessor lessor, Clock clock, LongFunction<Header> header, EventSink events) {
    this.lessor = lessor;
    this.clock = clock;
    this.header = header;
    this.events = events;
  }

  Lessor lessor() {
    return lessor;
  }

  /** Told the id of every lease this member applied a revoke of (keep-alives end). */
  void onRevoked(LongConsumer listener) {
    this.onRevoked = listener;
  }

  LeaseGrantResponse grant(Request.LeaseGrant grant, MvccStore store) {
    long id = grant.leaseId() != 0 ? grant.leaseId() : freeLeaseId(grant.header());
    long ttl = lessor.grant(id, grant.ttlSeconds(), clock.nanoTime());
    return new LeaseGrantResponse(header.apply(store.revision()), id, ttl);
  }

  private long freeLeaseId(RequestHeader requestHeader) {
    long id = requestHeader.requestId() & Long.MAX_VALUE;
    while (id == 0 || lessor.lease(id).isPresent()) {
      id = (id + 1) & Long.MAX_VALUE;
    }
    return id;
  }

  LeaseRevokeResponse revoke(long leaseId, MvccStore store) {
    List<ByteSequence> keys = lessor.revoke(leaseId);
    if (!keys.isEmpty()) {
      WriteResult<TxnResponse> w = store.txn(deleteAll(keys, store.config().maxTxnOps()));
      if (!w.events().isEmpty()) {
        events.published(store.revision(), w.events());
      }
    }
    onRevoked.accept(leaseId);
    return new LeaseRevokeResponse(header.apply(store.revision()));
  }

  /** One transaction deleting every key, nested so that no list holds more than {@code maxOps}. */
  static TxnRequest deleteAll(List<ByteSequence> keys, int maxOps) {
    List<RequestOp> level = new ArrayList<>(keys.size());
    for (ByteSequence key : keys) {
      level.add(new DeleteRangeRequest(key.unsafeBytes(), NO_RANGE_END, false));
    }
    while (level.size() > maxOps) {
      List<RequestOp> up = new ArrayList<>((level.size() + maxOps - 1) / maxOps);
      for (int i = 0; i < level.size(); i += maxOps) {
        up.add(
            new TxnRequest(
                List.of(),
                List.copyOf(level.subList(i, Math.min(level.size(), i + maxOps))),
                List.of()));
      }
      level = up;
    }
    return new TxnRequest(List.of(), level, List.of());
  }

  void checkpoint(Request.LeaseCheckpoints checkpoints) {
    lessor.checkpoint(checkpoints.checkpoints(), clock.nanoTime());
  }

  /** Before a put changes the store: its lease must be live. */
  void checkAttachable(Op.PutOp put) {
    checkAttachable(put.option().leaseId());
  }

  /** Before a put naming {@code leaseId} (0: none) changes the store: the lease must be live. */
  void checkAttachable(long leaseId) {
    lessor.checkAttachable(leaseId);
  }

  /**
   * Before a transaction changes the store: every put on the path that will run must name a live
   * lease. Compares (nested ones too) are all evaluated against the state before the transaction,
   * as the store does, with read-only dry runs.
   */
  void checkAttachable(Op.TxnOp txn, MvccStore store) {
    if (!namesLease(txn)) {
      return;
    }
    boolean succeeded = evaluate(txn.compares(), store);
    for (Op op : succeeded ? txn.thenOps() : txn.elseOps()) {
      switch (op.type()) {
        case PUT -> checkAttachable((Op.PutOp) op);
        case TXN -> checkAttachable((Op.TxnOp) op, store);
        case GET, DELETE -> {}
      }
    }
  }

  /** Whether a put anywhere in the txn (either branch, nested too) names a lease. */
  static boolean namesLease(Op.TxnOp txn) {
    for (List<Op> branch : List.of(txn.thenOps(), txn.elseOps())) {
      for (Op op : branch) {
        boolean names =
            switch (op.type()) {
              case PUT -> ((Op.PutOp) op).option().leaseId() != 0;
              case TXN -> namesLease((Op.TxnOp) op);
              case GET, DELETE -> false;
            };
        if (names) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean evaluate(List<Cmp> compares, MvccStore store) {
    if (compares.isEmpty()) {
      return true;
    }
    // a transaction of compares only writes nothing: it just tells which branch would run
    TxnRequest probe = StoreMapping.txn(new Op.TxnOp(compares, List.of(), List.of()));
    return store.txn(probe).response().succeeded();
  }

  /**
   * After a write: attachments follow the store's events. A put that names no lease over a version
   * that carried none (or over no version) changes no attachment, since a key is attached exactly
   * when its live version carries a lease: it is skipped (the common put, on every member).
   */
  void afterWrite(List<Event> written) {
    for (int i = 0, n = written.size(); i < n; i++) {
      Event e = written.get(i);
      if (e.type() == EventType.PUT
          && e.kv().lease() == 0
          && (e.prevKv() == null || e.prevKv().lease() == 0)) {
        continue;
      }
      ByteSequence key = ByteSequence.wrap(e.kv().key());
      if (e.type() == EventType.DELETE) {
        lessor.detach(key);
      } else {
        long lease = e.kv().lease();
        if (lease != 0 && lessor.lease(lease).isEmpty()) {
          // cannot happen: the put was checked, and a revoked lease's keys are gone
          LOG.error("key {} carries lease {} which is not granted", key, Long.toHexString(lease));
          lessor.detach(key);
        } else {
          lessor.attach(key, lease);
        }
      }
    }
  }

  /** The number of live leases (applier thread). */
  int size() {
    return lessor.size();
  }

  void writeSnapshot(DataOutput out) throws IOException {
    lessor.writeSnapshot(out);
  }

  /** Empties the lease table (a snapshot without a lease section), demoting first. */
  void restoreEmpty() {
    lessor.demote();
    lessor.restoreEmpty();
  }

  /** Replaces the lease table with a snapshot's (demoting first: only followers install). */
  void readSnapshot(DataInput in) throws IOException {
    lessor.demote();
    lessor.readSnapshot(in);
  }
}
