package io.etch.internal.node;

import io.etch.Clock;
import io.etch.DecodingException;
import io.etch.EtchException;
import io.etch.QuotaExceededException;
import io.etch.RequestTimeoutException;
import io.etch.internal.backup.BackupPoint;
import io.etch.internal.membership.MembershipTable;
import io.etch.internal.request.AppliedRequest;
import io.etch.internal.request.DedupTable;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestDecoder;
import io.etch.internal.request.RequestHeader;
import io.etch.internal.request.RequestKind;
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
import io.etch.storage.mvcc.MvccException;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.PutRequest;
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
 * <p>The puts, deletes and txns (those naming no lease) of consecutive entries go into one store
 * write batch ({@link BatchedWrites}): each keeps its own revision and events, but their view,
 * watch events, callers' answers and applied index are released together once the {@link
 * ApplyBatch}es queued at the start of a duty cycle are applied (or before an entry of another
 * kind).
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
 * When its {@link SnapshotPolicy} says so (every {@code snapshotCount} applied entries, later for a
 * large store) it hands the owner thread the store's current (immutable) view and the dedup table's
 * bytes; the owner has them written on the node's snapshot thread ({@link Snapshots}), records the
 * snapshot and compacts the log. It does not ask while a snapshot is in flight, and counts the next
 * entries from the end of it. A snapshot installed from the leader arrives first in a batch: the
 * store and the dedup table are restored from it, and the watch hub is restored over the new store
 * (its watches catch up from it, or end with {@code CompactedException} when history they need was
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
  private final SnapshotPolicy snapshots;
  private final Predicate<RaftOwner.Command> toOwner;
  private final long quotaBytes;
  private final LinkedHashSet<AlarmMember> alarms = new LinkedHashSet<>();

  /** Whether {@link #alarms} holds a NOSPACE alarm (checked by every put). */
  private boolean noSpace;

  /** The entry being applied, decoded (refilled per entry). */
  private final AppliedRequest decoded = new AppliedRequest();

  private final DedupTable dedup;
  private final RequestDecoder decoder;
  private final PendingRegistry pending;
  private final Executor callbacks;
  private final NodeState state;
  private final ApplyQueue queue;
  private final Clock clock;
  private final Duration requestTimeout;
  private long nextReadScanNs;
  private NodeMembership membership;
  private LeaseApply leases;
  private LeaseDriver leaseDriver;
  private LeaseCalls leaseCalls;
  private final BackupCaptures backups;
  private final BatchedWrites writes;
  private final PriorityQueue<ReadBarrier> barriers =
      new PriorityQueue<>((a, b) -> Long.compare(a.index(), b.index()));

  Applier(
      String memberName,
      long clusterId,
      long memberId,
      StoreHolder stores,
      HubHolder hubs,
      MvccConfig mvccConfig,
      SnapshotPolicy snapshots,
      Predicate<RaftOwner.Command> toOwner,
      long quotaBytes,
      Clock clock,
      Duration requestTimeout,
      DedupTable dedup,
      RequestDecoder decoder,
      PendingRegistry pending,
      Executor callbacks,
      NodeState state,
      int maxQueuedBatches,
      long maxQueuedBytes) {
    this.roleName = "etch-apply-" + memberName;
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.stores = stores;
    this.hubs = hubs;
    this.mvccConfig = mvccConfig;
    this.snapshots = snapshots;
    this.toOwner = toOwner;
    this.quotaBytes = quotaBytes;
    this.clock = clock;
    this.requestTimeout = requestTimeout;
    this.dedup = dedup;
    this.decoder = decoder;
    this.pending = pending;
    this.callbacks = callbacks;
    this.state = state;
    this.queue = new ApplyQueue(maxQueuedBatches, maxQueuedBytes);
    this.writes = new BatchedWrites(stores, hubs, state, callbacks);
    this.backups =
        new BackupCaptures(
            memberName, () -> new BackupPoint(state.appliedIndex, stores.view(), extraBytes()));
  }

  /** Backup requests, answered between two entries with the view and the extra state. */
  BackupCaptures backups() {
    return backups;
  }

  /** Set once, before {@link #restoreExtra} and before the applier thread starts. */
  void membership(NodeMembership membership) {
    this.membership = membership;
  }

  /** Set once, before {@link #restoreExtra} and before the applier thread starts. */
  void leases(LeaseApply apply, LeaseDriver driver, LeaseCalls calls) {
    this.leases = apply;
    this.leaseDriver = driver;
    this.leaseCalls = calls;
  }

  /**
   * Owner thread: false when the queue is full, in batches or in entry bytes ({@link ApplyQueue});
   * the owner keeps the Ready and tries again.
   */
  boolean offer(ApplyBatch batch) {
    return queue.offer(batch);
  }

  @Override
  public int doWork() {
    int work = queue.drain(this::apply, MAX_BATCHES_PER_CYCLE);
    // the puts and deletes of every batch drained went into one store write batch: the more the
    // owner handed over since the last cycle, the fewer tree nodes each write copies
    writes.flush();
    work += releaseReads();
    work += leaseCalls.doWork() + leaseDriver.doWork();
    work += backups.answer();
    MvccStore store = stores.store();
    if (store.compactionPending()) {
      store.compactStep(COMPACTION_KEYS_PER_STEP);
      work++;
    }
    if (state.snapshotInFlight) {
      // count the next entries from the end of the one being written, so a snapshot slower to
      // write than snapshotCount entries are to apply never runs back to back
      snapshots.inFlight(state.appliedIndex);
    } else if (snapshots.due(state.appliedIndex)) {
      requestSnapshot();
      work++;
    }
    return work;
  }

  @Override
  public String roleName() {
    return roleName;
  }

  @Override
  public void onClose() {
    backups.close();
  }

  /**
   * Asks the owner thread to write a snapshot of the current view (immutable, so it can be written
   * from any thread) at the applied index, with the dedup table as its extra section.
   */
  private void requestSnapshot() {
    long index = state.appliedIndex;
    MvccView view = stores.view();
    if (toOwner.test(new RaftOwner.TakeSnapshot(index, view, extraBytes()))) {
      snapshots.taken(index, view.approxBytes());
    }
  }

  /**
   * The replicated state beside the store, as {@link #extraBytes(DedupTable, Collection,
   * NodeMembership, LeaseApply)} writes it.
   */
  private byte[] extraBytes() {
    return extraBytes(dedup, alarms, membership, leases);
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
    snapshots.taken(snapshot.index(), restored.store().view().approxBytes());
    LOG.info(
        "member {} installed the leader's snapshot at index {} (revision {})",
        roleName,
        snapshot.index(),
        restored.store().revision());
  }

  /**
   * The replicated state beside the store: the dedup table, then the raised alarms, then the
   * membership section, then the lease table. Also what the bootstrap snapshot holds (empty table,
   * no alarms, no lease section: {@code leases} null).
   */
  static byte[] extraBytes(
      DedupTable dedup,
      Collection<AlarmMember> alarms,
      NodeMembership membership,
      LeaseApply leases) {
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(extra)) {
      dedup.writeSnapshot(out);
      out.writeInt(alarms.size());
      for (AlarmMember alarm : alarms) {
        out.writeLong(alarm.memberId());
        out.writeByte(alarm.alarm().ordinal());
      }
      membership.writeSection(out);
      if (leases != null) {
        leases.writeSnapshot(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return extra.toByteArray();
  }

  /**
   * {@code extra} (as {@link #extraBytes(DedupTable, Collection, NodeMembership, LeaseApply)} wrote
   * it) with its membership section replaced by {@code table}'s: a restored backup founds a new
   * cluster, whose members are not the source's. The dedup table, the alarms and the lease section
   * are kept as they were.
   */
  static byte[] withMembership(byte[] extra, MembershipTable table) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(extra));
        DataOutputStream out = new DataOutputStream(bytes)) {
      DedupTable dedup = new DedupTable(NodeRuntime.DEDUP_ENTRIES, NodeRuntime.DEDUP_BYTES);
      if (extra.length > 0) {
        dedup.readSnapshot(in);
      }
      dedup.writeSnapshot(out);
      int alarms = extra.length > 0 ? in.readInt() : 0;
      out.writeInt(alarms);
      for (int i = 0; i < alarms; i++) {
        out.writeLong(in.readLong());
        out.writeByte(in.readUnsignedByte());
      }
      if (in.available() >= Integer.BYTES) {
        int magic = in.readInt();
        if (magic != MembershipTable.SECTION_MAGIC) {
          throw new IOException(
              "expected the membership section, found " + Integer.toHexString(magic));
        }
        new MembershipTable().readSectionBody(in); // the source cluster's: dropped
      }
      table.writeSection(out);
      in.transferTo(out); // the lease section, if any
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Loads what {@link #extraBytes()} wrote (nothing for the bootstrap snapshot). Called before the
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
        if (in.available() > 0) {
          leases.readSnapshot(in); // absent from the bootstrap snapshot
        } else {
          leases.restoreEmpty();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      try {
        membership.readSection(new DataInputStream(InputStream.nullInputStream()));
        leases.restoreEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    alarmsChanged();
  }

  /** Publishes the raised alarms and notes whether a NOSPACE alarm is among them. */
  private void alarmsChanged() {
    state.alarms = List.copyOf(alarms);
    boolean full = false;
    for (AlarmMember alarm : alarms) {
      full |= alarm.alarm() == AlarmType.NOSPACE;
    }
    noSpace = full;
  }

  private void apply(ApplyBatch batch) {
    if (batch.snapshot() != null) {
      writes.flush();
      install(batch.snapshot());
    }
    List<Entry> entries = batch.entries();
    long startNs = clock.nanoTime();
    for (int i = 0, n = entries.size(); i < n; i++) {
      Entry entry = entries.get(i);
      apply(entry);
      writes.applied(entry.index());
      long endNs = clock.nanoTime(); // one clock read per entry: its end is the next one's start
      state.metrics.applied(entry.index(), endNs - startNs);
      startNs = endNs;
    }
    state.leaseCount = leases.size();
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
      released += ConfirmedReads.answer(barriers.poll().reads(), pending, callbacks);
    }
    return released;
  }

  private void apply(Entry entry) {
    if (entry.type() == EntryType.CONF_CHANGE) {
      writes.flush();
      membership.apply(entry, stores.store().revision());
      return;
    }
    if (entry.type() == EntryType.NORMAL && entry.data().length == 0) {
      writes.flush();
      leaseDriver.onLeaderEntry(entry.term()); // a new leader's first entry: its lessor may lead
      return;
    }
    if (entry.type() != EntryType.NORMAL) {
      return;
    }
    snapshots.applied(entry.data().length);
    AppliedRequest request = decoded;
    try {
      decoder.decodeForApply(entry.data(), request);
    } catch (DecodingException e) {
      LOG.warn("member {} skips undecodable entry {}: {}", roleName, entry.index(), e.getMessage());
      return;
    }
    if (!batched(request)) {
      writes.flush(); // the others read or write the store outside the write batch
    }
    long origin = request.memberId();
    long requestId = request.requestId();
    if (dedup.contains(origin, requestId)) {
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "member {} skips duplicate request {}", roleName, new RequestHeader(origin, requestId));
      }
      return;
    }
    boolean answered = origin == memberId;
    Object response = null;
    RuntimeException error = null;
    try {
      response =
          request.kind() == RequestKind.PUT
              ? put(request.put(), answered)
              : execute(request.request(), answered);
    } catch (EtchException e) {
      error = e;
    } catch (RuntimeException e) {
      // a bug, not an operating error: report it to the caller and keep applying the log
      LOG.error("member {} failed to apply entry {}", roleName, entry.index(), e);
      error = e;
    }
    dedup.record(origin, requestId, APPLIED);
    if (answered) {
      PendingProposal proposal = pending.removeProposal(requestId);
      if (proposal != null) {
        writes.complete(proposal, response, error);
      }
    }
  }

  /**
   * Applies a put (decoded straight into the store's request); the response is built only when
   * {@code answered}, else null.
   */
  private Object put(PutRequest put, boolean answered) {
    checkSpace(stores.store());
    leases.checkAttachable(put.lease());
    WriteResult<PutResponse> w;
    try {
      w = writes.batch().put(put);
    } catch (MvccException e) {
      throw StoreErrors.translate(e, 0);
    }
    leases.afterWrite(w.events());
    published(w.events());
    return answered
        ? StoreMapping.putResponse(header(w.response().revision()), w.response())
        : null;
  }

  /**
   * Applies one request other than a put; the response is built only when {@code answered} (this
   * member originated the request, so a caller may wait for it), else null.
   */
  private Object execute(Request request, boolean answered) {
    MvccStore store = stores.store();
    return switch (request.kind()) {
      case PUT -> put(StoreMapping.put(((Request.Put) request).op()), answered);
      case DELETE_RANGE -> {
        Op.DeleteOp op = ((Request.DeleteRange) request).op();
        WriteResult<DeleteRangeResponse> w =
            StoreErrors.call(() -> writes.batch().deleteRange(StoreMapping.delete(op)), 0);
        leases.afterWrite(w.events());
        published(w.events());
        yield answered
            ? StoreMapping.deleteResponse(header(w.response().revision()), w.response())
            : null;
      }
      case TXN -> {
        Op.TxnOp op = ((Request.Txn) request).op();
        if (!op.isReadOnly()) {
          checkSpace(store);
        }
        StoreErrors.call(
            () -> {
              leases.checkAttachable(op, store); // dry-runs compares on the store: flushed first
              return null;
            },
            0);
        WriteResult<TxnResponse> w =
            StoreErrors.call(() -> writes.batch().txn(StoreMapping.txn(op)), 0);
        leases.afterWrite(w.events());
        published(w.events());
        yield answered
            ? StoreMapping.txnResponse(header(w.response().revision()), w.response())
            : null;
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
        alarmsChanged();
        yield new AlarmResponse(header(store.revision()), state.alarms);
      }
      case LEASE_GRANT -> leases.grant((Request.LeaseGrant) request, store);
      case LEASE_REVOKE -> leases.revoke(((Request.LeaseRevoke) request).leaseId(), store);
      case LEASE_CHECKPOINT -> {
        leases.checkpoint((Request.LeaseCheckpoints) request);
        yield null; // proposed by the leader's lessor; nobody waits for it
      }
    };
  }

  /**
   * Whether the request goes into the store write batch: puts, deletes, and txns naming no lease
   * (the lease check of one that does evaluates its compares on the store itself).
   */
  private static boolean batched(AppliedRequest request) {
    return switch (request.kind()) {
      case PUT, DELETE_RANGE -> true;
      case TXN -> !LeaseApply.namesLease(((Request.Txn) request.request()).op());
      case COMPACT, ALARM, LEASE_GRANT, LEASE_REVOKE, LEASE_CHECKPOINT -> false;
    };
  }

  /** etcd: while a NOSPACE alarm is raised, requests that may add data fail. */
  private void checkSpace(MvccStore store) {
    if (noSpace) {
      throw new QuotaExceededException(quotaBytes, store.view().approxBytes());
    }
  }

  private void published(List<Event> events) {
    writes.published(events);
  }

  private Header header(long revision) {
    // a joining member learns the cluster id from the membership it receives
    return new Header(
        state.clusterId != 0 ? state.clusterId : clusterId, memberId, revision, state.term);
  }
}
