package io.etch.internal.node;

import io.etch.Clock;
import io.etch.DecodingException;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.LeaseNotFoundException;
import io.etch.QuotaExceededException;
import io.etch.RequestTimeoutException;
import io.etch.internal.request.DedupTable;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestDecoder;
import io.etch.internal.request.RequestHeader;
import io.etch.kv.CompactResponse;
import io.etch.kv.Header;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmResponse;
import io.etch.maintenance.AlarmType;
import io.etch.op.Op;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.storage.mvcc.DeleteRangeResponse;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutResponse;
import io.etch.storage.mvcc.RestoredStore;
import io.etch.storage.mvcc.TxnResponse;
import io.etch.storage.mvcc.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply loop: the MVCC store's single writer, on its own thread.
 *
 * <h2>What it does</h2>
 *
 * The owner thread hands it {@link ApplyBatch}es (committed entries in log order, and reads whose
 * read index was confirmed). For each normal entry it decodes the request, skips it when the {@link
 * DedupTable} says this (origin member, request id) was applied already (a proposal the owner
 * thread re-proposed after a leader change may be committed twice), applies it to the store, hands
 * the change events to the watch hub, records the request as applied, and — when this member
 * originated it — completes the caller's future on the callback executor. A request that fails
 * (compacted revision, missing key for ignoreValue, ...) fails the same way on every member and
 * changes nothing; a payload that does not decode is skipped on every member alike.
 *
 * <p>Reads wait in a queue ordered by read index and run (on the callback executor, against the
 * store's then-current view) once {@code appliedIndex >= readIndex}.
 *
 * <p>Membership entries were already applied to Raft by the owner thread; here they go to {@link
 * NodeMembership}, which keeps the replicated membership table (names and addresses) and completes
 * the proposer's future.
 *
 * <h2>Snapshots</h2>
 *
 * Every {@code snapshotCount} applied entries it hands the owner thread the store's current
 * (immutable) view and the dedup table's bytes; the owner writes them into the Raft log's snapshot
 * and compacts the log. A snapshot installed from the leader arrives first in a batch: the store
 * and the dedup table are restored from it, and the watch hub is restored over the new store (its
 * watches catch up from it, or end with {@code CompactedException} when history they need was
 * compacted away).
 */
final class Applier implements Agent {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  private static final byte[] APPLIED = {1};
  private static final int MAX_BATCHES_PER_CYCLE = 64;
  private static final int COMPACTION_KEYS_PER_STEP = 10_000;
  private static final long READ_SCAN_INTERVAL_NS = 100_000_000L;

  private final String roleName;
  private final long clusterId;
  private final long memberId;
  private final StoreHolder stores;
  private final HubHolder hubs;
  private final MvccConfig mvccConfig;
  private final long snapshotCount;
  private final Predicate<RaftOwner.Command> toOwner;
  private long lastSnapshotIndex;
  private final long quotaBytes;
  private final LinkedHashSet<AlarmMember> alarms = new LinkedHashSet<>();
  private final DedupTable dedup;
  private final RequestDecoder decoder;
  private final PendingRegistry pending;
  private final Executor callbacks;
  private final NodeState state;
  private final OneToOneConcurrentArrayQueue<ApplyBatch> queue;
  private final Clock clock;
  private final Duration requestTimeout;
  private long nextReadScanNs;
  private NodeMembership membership;
  private final PriorityQueue<ReadBarrier> barriers =
      new PriorityQueue<>((a, b) -> Long.compare(a.index(), b.index()));

  Applier(
      String memberName,
      long clusterId,
      long memberId,
      StoreHolder stores,
      HubHolder hubs,
      MvccConfig mvccConfig,
      long snapshotCount,
      long snapshotIndex,
      Predicate<RaftOwner.Command> toOwner,
      long quotaBytes,
      Clock clock,
      Duration requestTimeout,
      DedupTable dedup,
      RequestDecoder decoder,
      PendingRegistry pending,
      Executor callbacks,
      NodeState state,
      int maxQueuedBatches) {
    this.roleName = "etch-apply-" + memberName;
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.stores = stores;
    this.hubs = hubs;
    this.mvccConfig = mvccConfig;
    this.snapshotCount = snapshotCount;
    this.lastSnapshotIndex = snapshotIndex;
    this.toOwner = toOwner;
    this.quotaBytes = quotaBytes;
    this.clock = clock;
    this.requestTimeout = requestTimeout;
    this.dedup = dedup;
    this.decoder = decoder;
    this.pending = pending;
    this.callbacks = callbacks;
    this.state = state;
    this.queue = new OneToOneConcurrentArrayQueue<>(maxQueuedBatches);
  }

  /** Set once, before {@link #restoreExtra} and before the applier thread starts. */
  void membership(NodeMembership membership) {
    this.membership = membership;
  }

  /** Owner thread: false when the queue is full (the owner keeps the Ready and tries again). */
  boolean offer(ApplyBatch batch) {
    return queue.offer(batch);
  }

  @Override
  public int doWork() {
    int work = queue.drain(this::apply, MAX_BATCHES_PER_CYCLE);
    work += releaseReads();
    MvccStore store = stores.store();
    if (store.compactionPending()) {
      store.compactStep(COMPACTION_KEYS_PER_STEP);
      work++;
    }
    if (state.appliedIndex - lastSnapshotIndex >= snapshotCount) {
      requestSnapshot();
      work++;
    }
    return work;
  }

  @Override
  public String roleName() {
    return roleName;
  }

  /**
   * Asks the owner thread to write a snapshot of the current view (immutable, so it can be written
   * from any thread) at the applied index, with the dedup table as its extra section.
   */
  private void requestSnapshot() {
    long index = state.appliedIndex;
    byte[] extra = extraBytes(dedup, alarms, membership);
    if (toOwner.test(new RaftOwner.TakeSnapshot(index, stores.view(), extra))) {
      lastSnapshotIndex = index;
    }
  }

  /** Replaces the store (and the dedup table) with the leader's snapshot. */
  private void install(SnapshotInstall snapshot) {
    RestoredStore restored;
    try (InputStream in = snapshot.stateMachine()) {
      restored = MvccStore.restore(in, mvccConfig);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the snapshot at " + snapshot.index(), e);
    }
    restoreExtra(restored.extra());
    stores.replace(restored.store());
    hubs.hub().restore(restored.store().view());
    state.appliedIndex = snapshot.index();
    lastSnapshotIndex = snapshot.index();
    LOG.info(
        "member {} installed the leader's snapshot at index {} (revision {})",
        roleName,
        snapshot.index(),
        restored.store().revision());
  }

  /**
   * The replicated state beside the store: the dedup table, then the raised alarms, then the
   * membership section. Also what the bootstrap snapshot holds (empty table, no alarms).
   */
  static byte[] extraBytes(
      DedupTable dedup, Collection<AlarmMember> alarms, NodeMembership membership) {
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(extra)) {
      dedup.writeSnapshot(out);
      out.writeInt(alarms.size());
      for (AlarmMember alarm : alarms) {
        out.writeLong(alarm.memberId());
        out.writeByte(alarm.alarm().ordinal());
      }
      membership.writeSection(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return extra.toByteArray();
  }

  /**
   * Loads what {@link #writeExtra} wrote (nothing for the bootstrap snapshot). Called before the
   * applier thread starts, or on it.
   */
  void restoreExtra(byte[] extra) {
    alarms.clear();
    if (extra.length > 0) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(extra))) {
        dedup.readSnapshot(in);
        int count = in.readInt();
        AlarmType[] types = AlarmType.values();
        for (int i = 0; i < count; i++) {
          long member = in.readLong();
          int type = in.readUnsignedByte();
          if (type >= types.length) {
            throw new IOException("unknown alarm type " + type + " in the snapshot");
          }
          alarms.add(new AlarmMember(member, types[type]));
        }
        membership.readSection(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      try {
        membership.readSection(new DataInputStream(InputStream.nullInputStream()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    state.alarms = List.copyOf(alarms);
  }

  private void apply(ApplyBatch batch) {
    if (batch.snapshot() != null) {
      install(batch.snapshot());
    }
    for (Entry entry : batch.entries()) {
      apply(entry);
      state.appliedIndex = entry.index();
    }
    barriers.addAll(batch.reads());
  }

  private int releaseReads() {
    int released = 0;
    long now = clock.nanoTime();
    if (now - nextReadScanNs >= 0 && !barriers.isEmpty()) {
      // a confirmed read waits for entries this member has yet to receive: time it out too
      nextReadScanNs = now + READ_SCAN_INTERVAL_NS;
      for (ReadBarrier barrier : barriers) {
        for (PendingRead read : barrier.reads()) {
          if (now - read.deadlineNs >= 0) {
            pending.remove(read);
            read.fail(new RequestTimeoutException(read.operation, requestTimeout), callbacks);
          }
        }
      }
    }
    long applied = state.appliedIndex;
    while (!barriers.isEmpty() && barriers.peek().index() <= applied) {
      for (PendingRead read : barriers.poll().reads()) {
        pending.remove(read);
        callbacks.execute(() -> read.completeHere(read.read));
        released++;
      }
    }
    return released;
  }

  private void apply(Entry entry) {
    if (entry.type() == EntryType.CONF_CHANGE) {
      membership.apply(entry, stores.store().revision());
      return;
    }
    if (entry.type() != EntryType.NORMAL || entry.data().length == 0) {
      return; // a leader's empty entry
    }
    Request request;
    try {
      request = decoder.decode(entry.data());
    } catch (DecodingException e) {
      LOG.warn("member {} skips undecodable entry {}: {}", roleName, entry.index(), e.getMessage());
      return;
    }
    RequestHeader header = request.header();
    if (dedup.contains(header)) {
      LOG.debug("member {} skips duplicate request {}", roleName, header);
      return;
    }
    Object response = null;
    RuntimeException error = null;
    try {
      response = execute(request);
    } catch (EtchException e) {
      error = e;
    } catch (RuntimeException e) {
      // a bug, not an operating error: report it to the caller and keep applying the log
      LOG.error("member {} failed to apply entry {}", roleName, entry.index(), e);
      error = e;
    }
    dedup.record(header, APPLIED);
    if (header.memberId() == memberId) {
      PendingProposal proposal = pending.removeProposal(header.requestId());
      if (proposal != null) {
        if (error == null) {
          proposal.succeed(response, callbacks);
        } else {
          proposal.fail(error, callbacks);
        }
      }
    }
  }

  private Object execute(Request request) {
    MvccStore store = stores.store();
    return switch (request.kind()) {
      case PUT -> {
        Op.PutOp op = ((Request.Put) request).op();
        checkSpace(store);
        if (op.option().leaseId() != 0) {
          // no lease can exist yet: this member does not serve lease grants
          throw new LeaseNotFoundException(op.option().leaseId());
        }
        WriteResult<PutResponse> w = StoreErrors.call(() -> store.put(StoreMapping.put(op)), 0);
        published(w.events());
        yield StoreMapping.putResponse(header(w.response().revision()), w.response());
      }
      case DELETE_RANGE -> {
        Op.DeleteOp op = ((Request.DeleteRange) request).op();
        WriteResult<DeleteRangeResponse> w =
            StoreErrors.call(() -> store.deleteRange(StoreMapping.delete(op)), 0);
        published(w.events());
        yield StoreMapping.deleteResponse(header(w.response().revision()), w.response());
      }
      case TXN -> {
        Op.TxnOp op = ((Request.Txn) request).op();
        if (!op.isReadOnly()) {
          checkSpace(store);
        }
        checkNoLeases(op);
        WriteResult<TxnResponse> w = StoreErrors.call(() -> store.txn(StoreMapping.txn(op)), 0);
        published(w.events());
        yield StoreMapping.txnResponse(header(w.response().revision()), w.response());
      }
      case COMPACT -> {
        Request.Compact compact = (Request.Compact) request;
        StoreErrors.call(
            () -> {
              store.compact(compact.revision());
              return null;
            },
            compact.revision());
        if (compact.physical()) {
          while (store.compactStep(COMPACTION_KEYS_PER_STEP)) {
            // physical: finish the pass before answering
          }
        }
        yield new CompactResponse(header(store.revision()));
      }
      case ALARM -> {
        Request.Alarm alarm = (Request.Alarm) request;
        if (alarm.activate()) {
          alarms.add(alarm.alarm());
        } else {
          alarms.remove(alarm.alarm());
        }
        state.alarms = List.copyOf(alarms);
        yield new AlarmResponse(header(store.revision()), state.alarms);
      }
      case LEASE_GRANT, LEASE_REVOKE, LEASE_CHECKPOINT ->
          throw new InvalidArgumentException(
              "request", request.kind() + " requests are not served by this member");
    };
  }

  /** etcd: while a NOSPACE alarm is raised, requests that may add data fail. */
  private void checkSpace(MvccStore store) {
    for (AlarmMember alarm : alarms) {
      if (alarm.alarm() == AlarmType.NOSPACE) {
        throw new QuotaExceededException(quotaBytes, store.view().approxBytes());
      }
    }
  }

  private static void checkNoLeases(Op.TxnOp txn) {
    for (List<Op> branch : List.of(txn.thenOps(), txn.elseOps())) {
      for (Op op : branch) {
        switch (op.type()) {
          case PUT -> {
            long lease = ((Op.PutOp) op).option().leaseId();
            if (lease != 0) {
              throw new LeaseNotFoundException(lease);
            }
          }
          case TXN -> checkNoLeases((Op.TxnOp) op);
          case GET, DELETE -> {}
        }
      }
    }
  }

  private void published(List<Event> events) {
    if (!events.isEmpty()) {
      hubs.hub().onApplied(stores.store().revision(), events);
    }
  }

  private Header header(long revision) {
    // a joining member learns the cluster id from the membership it receives
    return new Header(
        state.clusterId != 0 ? state.clusterId : clusterId, memberId, revision, state.term);
  }
}
