package io.etch.storage.mvcc;

/**
 * Many writes applied to the store in one copy-on-write pass and published as one view.
 *
 * <h2>Why</h2>
 *
 * A write made alone copies every node on its path (leaf to root) and publishes a new view. The
 * core applies committed log entries in batches, and nobody can observe the store between two
 * entries of one batch (their callers are answered, and their watch events delivered, only after
 * the batch), so the intermediate trees are wasted work. Here every write still gets its own
 * revision and events, exactly as {@link MvccStore#put}, {@link MvccStore#deleteRange} and {@link
 * MvccStore#txn} would have made them one after the other, but the tree is updated under one {@link
 * PersistentBTree.Edit}: the first write that touches a node copies it, later writes in the batch
 * change that copy in place. {@link #commit()} publishes the new heads and then one view at the
 * batch's last revision.
 *
 * <h2>What stays the same</h2>
 *
 * <ul>
 *   <li>Revisions: each write that changes something takes the next main revision (a txn exactly
 *       one, its ops sub revisions 0, 1, ...); a write that changes nothing takes none.
 *   <li>History: every version keeps a link to the one it replaced, so history, reads at any
 *       revision, watch replay, {@code hashKv} and snapshots of the committed view see each
 *       intermediate revision as if it had been published.
 *   <li>Reads inside the batch (txn compares, ranges inside a txn, ignoreValue/ignoreLease) see
 *       every earlier write of the batch; views taken before the batch keep their snapshot (no node
 *       they reach is ever changed).
 *   <li>Errors are per write: a write that fails its checks (a bad argument, a missing key for
 *       ignoreValue, a txn range at a compacted revision) throws as the store's method would and
 *       leaves the batch as it was; the next write goes on from there.
 * </ul>
 *
 * <p>Until {@link #commit()} nothing is visible: {@link MvccStore#view()} stays at the state the
 * batch started from, and the store's own writes and {@link MvccStore#compact compactions} fail
 * with {@link IllegalStateException}. A batch is single use and belongs to the writer thread. A
 * write that throws after it started changing the tree (which the checks rule out; it would be a
 * bug) breaks the batch: it cannot be committed, since the tree may be half changed.
 */
public final class WriteBatch {
  private final MvccStore store;
  private final MvccView start;
  private final MvccConfig config;
  private final HeadBuffer heads;
  private final PersistentBTree.Edit edit = new PersistentBTree.Edit();

  /** The one transaction object the batch's writes go through, one after the other. */
  private WriteTxn txn;

  private PersistentBTree<Version> tree;
  private long revision;
  private long liveKeys;
  private long versions;
  private long approxBytes;
  private boolean done;
  private RuntimeException broken;

  WriteBatch(MvccStore store, MvccView start, HeadBuffer heads) {
    this.store = store;
    this.start = start;
    this.config = start.config();
    this.heads = heads;
    this.tree = start.tree();
    this.revision = start.revision();
    this.liveKeys = start.keyCount();
    this.versions = start.retainedVersions();
    this.approxBytes = start.approxBytes();
  }

  /** etcd's Put at the next revision, as {@link MvccStore#put}. */
  public WriteResult<PutResponse> put(PutRequest request) {
    requireUsable();
    Requests.checkPut(request, config);
    WriteTxn w = begin();
    try {
      return end(w, w.put(request));
    } catch (RuntimeException e) {
      throw failed(w, e);
    }
  }

  /** etcd's DeleteRange at the next revision, as {@link MvccStore#deleteRange}. */
  public WriteResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    requireUsable();
    Requests.checkDelete(request, config);
    WriteTxn w = begin();
    try {
      return end(w, w.deleteRange(request));
    } catch (RuntimeException e) {
      throw failed(w, e);
    }
  }

  /** etcd's Txn at the next revision, as {@link MvccStore#txn}. */
  public WriteResult<TxnResponse> txn(TxnRequest request) {
    requireUsable();
    TxnChecker.check(request, config);
    WriteTxn w = begin();
    try {
      w.plan(request);
      return end(w, w.txn(request));
    } catch (RuntimeException e) {
      throw failed(w, e);
    }
  }

  /**
   * Evaluates a txn compare against the batch's state (every earlier write of the batch included),
   * as {@link MvccView#compare} does against a view.
   */
  public boolean compare(Compare compare) {
    requireUsable();
    Requests.checkCompare(compare, config);
    return Reads.compare(tree, revision, compare);
  }

  /** The revision of the batch's last write (the start revision when nothing was written). */
  public long revision() {
    return revision;
  }

  /** The number of revisions the batch wrote so far. */
  public long writes() {
    return revision - start.revision();
  }

  /**
   * Publishes everything the batch wrote as one view (nothing when it wrote nothing) and closes it.
   *
   * @return the store's view after the batch
   * @throws IllegalStateException when the batch was already committed or is broken
   */
  public MvccView commit() {
    requireUsable();
    done = true;
    MvccView next =
        revision == start.revision()
            ? start
            : new MvccView(
                tree,
                start.heads(),
                revision,
                start.compactedRevision(),
                config,
                liveKeys,
                versions,
                approxBytes);
    return store.publish(this, next);
  }

  private WriteTxn begin() {
    if (txn == null) {
      txn =
          new WriteTxn(
              tree,
              revision,
              start.compactedRevision(),
              liveKeys,
              versions,
              approxBytes,
              config,
              edit,
              heads,
              store.slabs());
      return txn;
    }
    return txn.restart(tree, revision, liveKeys, versions, approxBytes);
  }

  private <R> WriteResult<R> end(WriteTxn w, R response) {
    if (w.changed()) {
      tree = w.tree();
      revision = w.revision();
      liveKeys = w.liveKeys();
      versions = w.versions();
      approxBytes = w.approxBytes();
    }
    return new WriteResult<>(response, w.eventsCopy());
  }

  private RuntimeException failed(WriteTxn w, RuntimeException e) {
    if (w.changed()) {
      broken = e;
    }
    return e;
  }

  private void requireUsable() {
    if (done) {
      throw new IllegalStateException("the write batch was already committed");
    }
    if (broken != null) {
      throw new IllegalStateException(
          "the write batch is broken: a write failed after it changed the tree", broken);
    }
  }
}
