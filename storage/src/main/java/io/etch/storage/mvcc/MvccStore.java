package io.etch.storage.mvcc;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The MVCC key-value store with etcd v3 semantics, over a persistent B+tree.
 *
 * <h2>Threading</h2>
 *
 * <p>Single writer: all write methods ({@link #put}, {@link #deleteRange}, {@link #txn}, {@link
 * #compact}, {@link #compactStep}) must be called from one thread at a time (the core's apply
 * thread). Each write builds a new tree privately and publishes it, with the new revision, as an
 * immutable {@link MvccView} through one volatile write. Readers on any thread call {@link #view()}
 * and read from the view lock-free; they never block the writer and the writer never blocks them.
 *
 * <h2>Revisions</h2>
 *
 * <p>The store starts at revision 0 (nothing written). Every write transaction that changes
 * something takes main revision {@code revision + 1}; its writes get sub revisions 0, 1, 2... in
 * request order. A write that changes nothing (a delete of nothing, a read-only txn) does not bump
 * the revision.
 *
 * <h2>Write batches</h2>
 *
 * <p>{@link #batch()} opens a {@link WriteBatch}: many writes, each at its own revision exactly as
 * if made one by one, applied to one private tree that copies each touched node once per batch
 * instead of once per write, and published as one view by {@link WriteBatch#commit()}. While a
 * batch is open the store's own write methods fail fast.
 *
 * <h2>Compaction</h2>
 *
 * <p>{@link #compact(long)} raises the compacted revision at once (reads below it fail from then
 * on) and schedules the physical removal; {@link #compactStep(int)} performs it a bounded number of
 * keys at a time, so the caller interleaves it with writes and no call stalls for long. Memory is
 * freed as soon as no live view still references the old versions. The same pass moves the kept
 * values out of the value slabs filled before the compaction started ({@link ValueSlabs}), so that
 * a few long-lived keys cannot keep mostly dead slabs alive.
 *
 * <h2>Events</h2>
 *
 * <p>Every write returns the change events it produced, in revision order, for the watch hub; the
 * history of retained versions can be replayed with {@link MvccView#history}.
 */
public final class MvccStore {
  private final MvccConfig config;
  private final HeadBuffer heads = new HeadBuffer();
  private final ValueSlabs slabs;
  private volatile MvccView current;
  private WriteBatch openBatch;
  private long compactionRevision;
  private byte[] compactionCursor;
  private boolean compactionPending;

  /** Values in slabs older than this are moved by the pending compaction (see ValueSlabs). */
  private long compactionSlabSerial;

  private MvccStore(MvccConfig config, MvccView initial, ValueSlabs slabs) {
    this.config = config;
    this.current = initial;
    this.slabs = slabs;
    this.compactionRevision = initial.compactedRevision();
  }

  /** An empty store at revision 0. */
  public static MvccStore create(MvccConfig config) {
    return new MvccStore(
        config,
        new MvccView(PersistentBTree.empty(), new HeadIndex(), 0, 0, config, 0, 0, 0),
        new ValueSlabs());
  }

  /**
   * Restores a store from a stream written by {@link MvccView#writeSnapshot}.
   *
   * @throws SnapshotCorruptException when the stream is truncated, malformed or fails its checksum
   * @throws IOException when reading fails
   */
  public static RestoredStore restore(InputStream in, MvccConfig config) throws IOException {
    MvccSnapshot.Contents c = MvccSnapshot.read(in, config);
    return new RestoredStore(
        new MvccStore(config, c.view(), c.slabs()), c.appliedIndex(), c.extra());
  }

  /** The configuration. */
  public MvccConfig config() {
    return config;
  }

  /** The latest committed state, for reading from any thread. */
  public MvccView view() {
    return current;
  }

  /** The current revision. */
  public long revision() {
    return current.revision();
  }

  /** Convenience for {@code view().range(request)}. */
  public RangeResponse range(RangeRequest request) {
    return current.range(request);
  }

  /** etcd's Put. */
  public WriteResult<PutResponse> put(PutRequest request) {
    requireNoBatch("put");
    Requests.checkPut(request, config);
    WriteTxn w = begin();
    PutResponse response = w.put(request);
    return commit(w, response);
  }

  /** etcd's DeleteRange. */
  public WriteResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    requireNoBatch("deleteRange");
    Requests.checkDelete(request, config);
    WriteTxn w = begin();
    DeleteRangeResponse response = w.deleteRange(request);
    return commit(w, response);
  }

  /**
   * etcd's Txn: checks every operation and the duplicate-key rule up front, evaluates all compares
   * against the state before the transaction, then runs the chosen operations at one revision.
   * Nothing is written when any check fails.
   */
  public WriteResult<TxnResponse> txn(TxnRequest request) {
    requireNoBatch("txn");
    TxnChecker.check(request, config);
    WriteTxn w = begin();
    w.plan(request);
    TxnResponse response = w.txn(request);
    return commit(w, response);
  }

  /**
   * Opens a write batch on the current state (see {@link WriteBatch}). Until it is committed or
   * abandoned, the store's own writes and compactions fail with {@link IllegalStateException}.
   *
   * @throws IllegalStateException when a batch is already open
   */
  public WriteBatch batch() {
    requireNoBatch("batch");
    heads.truncate(0);
    openBatch = new WriteBatch(this, current, heads);
    return openBatch;
  }

  /** Publishes what {@code batch} wrote as one view (called by {@link WriteBatch#commit()}). */
  MvccView publish(WriteBatch batch, MvccView next) {
    if (batch != openBatch) {
      throw new IllegalStateException("the batch is not this store's open batch");
    }
    openBatch = null;
    if (next != current) {
      heads.publishTo(current.heads()); // before the view (see HeadIndex)
      current = next;
    }
    return current;
  }

  /** Forgets {@code batch} without publishing anything it wrote. */
  void abandon(WriteBatch batch) {
    if (batch == openBatch) {
      openBatch = null;
      heads.truncate(0);
    }
  }

  /** The store's value slabs (writer thread only). */
  ValueSlabs slabs() {
    return slabs;
  }

  private void requireNoBatch(String operation) {
    if (openBatch != null) {
      throw new IllegalStateException(
          operation + " while a write batch is open: commit or abandon the batch first");
    }
  }

  private WriteTxn begin() {
    heads.truncate(0);
    return WriteTxn.on(current, heads, slabs);
  }

  private <R> WriteResult<R> commit(WriteTxn w, R response) {
    List<Event> events = w.eventsCopy();
    if (w.changed()) {
      MvccView v = current;
      heads.publishTo(v.heads()); // before the view (see HeadIndex)
      current =
          new MvccView(
              w.tree(),
              v.heads(),
              w.revision(),
              v.compactedRevision(),
              config,
              w.liveKeys(),
              w.versions(),
              w.approxBytes());
    }
    return new WriteResult<>(response, events);
  }

  /**
   * Compacts at {@code revision}: from now on reads below it fail with {@link CompactedException}.
   * The removal of old versions is left to {@link #compactStep(int)}. A compaction scheduled while
   * another is still running supersedes it (the pass restarts from the first key at the higher
   * revision).
   *
   * @throws CompactedException when {@code revision} is not above the compacted revision
   * @throws FutureRevisionException when {@code revision} is above the current revision
   */
  public void compact(long revision) {
    requireNoBatch("compact");
    MvccView v = current;
    if (revision <= v.compactedRevision()) {
      throw new CompactedException(v.compactedRevision());
    }
    if (revision > v.revision()) {
      throw new FutureRevisionException(revision, v.revision());
    }
    // Before any history is rewritten: reads below the new floor go to their view's tree.
    v.heads().raiseFloor(revision);
    current =
        new MvccView(
            v.tree(),
            v.heads(),
            v.revision(),
            revision,
            config,
            v.keyCount(),
            v.retainedVersions(),
            v.approxBytes());
    compactionRevision = revision;
    compactionSlabSerial = slabs.currentSerial();
    compactionCursor = null;
    compactionPending = true;
  }

  /** True while a compaction has keys left to process. */
  public boolean compactionPending() {
    return compactionPending;
  }

  /**
   * Processes up to {@code maxKeys} keys of the pending compaction and publishes the result.
   *
   * @return true when keys remain (call again), false when the compaction is complete
   */
  public boolean compactStep(int maxKeys) {
    if (maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be positive, got " + maxKeys);
    }
    if (!compactionPending) {
      return false;
    }
    requireNoBatch("compactStep");
    MvccView v = current;
    PersistentBTree<Version> tree = v.tree();
    Compaction c = new Compaction(slabs, compactionSlabSerial);
    // Rewritten histories go in under one edit: each node copied once per step, not once per key
    // (with value evacuation a compaction rewrites nearly every key). The cursor walks the
    // published tree, which the edit never changes.
    PersistentBTree.Edit edit = new PersistentBTree.Edit();
    PersistentBTree.Cursor<Version> cursor = tree.ascending(compactionCursor);
    int processed = 0;
    byte[] resume = null;
    while (cursor.next()) {
      if (processed == maxKeys) {
        resume = cursor.key();
        break;
      }
      byte[] key = cursor.key();
      Version head = cursor.value();
      Version after = c.compact(key, head, compactionRevision);
      if (after == null) {
        tree = tree.remove(key);
        v.heads().remove(key);
      } else if (after != head) {
        tree = tree.put(key, after, edit);
        v.heads().put(key, after);
      }
      processed++;
    }
    compactionCursor = resume;
    compactionPending = resume != null;
    current =
        new MvccView(
            tree,
            v.heads(),
            v.revision(),
            v.compactedRevision(),
            config,
            v.keyCount(),
            v.retainedVersions() - c.removedVersions,
            v.approxBytes() - c.removedBytes);
    return compactionPending;
  }
}
