package io.etch.storage.mvcc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One write transaction in progress on the writer thread: it starts from a state (a committed
 * {@link MvccView}, or the state a {@link WriteBatch} reached), builds a new tree privately
 * (readers never see it before the store publishes it), records the change events and the new
 * heads, and leaves its resulting state in {@link #tree()} and the counters.
 *
 * <p>Every write in it shares main revision {@code base + 1} with increasing sub revisions; the
 * revision only advances if something was written. Reads inside the transaction see its earlier
 * writes (as etcd's write txn does), while txn compares, including nested ones, are all evaluated
 * against the state at its start ({@link #plan(TxnRequest)}), as etcd's {@code compareToPath}.
 */
final class WriteTxn implements RequestOp.Visitor<ResponseOp>, Function<Version, Version> {
  private PersistentBTree<Version> startTree;
  private final long compactedRevision;
  private final MvccConfig config;
  private long base;
  private final PersistentBTree.Edit edit;
  private final HeadBuffer heads;
  private final ValueSlabs slabs;
  private PersistentBTree<Version> tree;
  private long nextSub;
  private long liveKeys;
  private long versions;
  private long approxBytes;
  private final List<Event> events = new ArrayList<>(1);
  private List<Boolean> path;
  private int pathPos;
  // The put in progress, for the update function (this object: no capturing lambda per put).
  private PutRequest putRequest;
  private long putMain;
  // Out-parameters of the put update function (writer thread only).
  private Version putPrevious;
  private Version putVersion;
  private boolean putNewHead;

  /**
   * A transaction on top of {@code tree} at revision {@code base}.
   *
   * @param edit the batch's edit (nodes it created change in place), or null to copy every path
   * @param heads where the new heads go, in write order (published by the caller)
   * @param slabs the store's value slabs, which new values are copied into
   */
  WriteTxn(
      PersistentBTree<Version> tree,
      long base,
      long compactedRevision,
      long liveKeys,
      long versions,
      long approxBytes,
      MvccConfig config,
      PersistentBTree.Edit edit,
      HeadBuffer heads,
      ValueSlabs slabs) {
    this.startTree = tree;
    this.tree = tree;
    this.base = base;
    this.compactedRevision = compactedRevision;
    this.liveKeys = liveKeys;
    this.versions = versions;
    this.approxBytes = approxBytes;
    this.config = config;
    this.edit = edit;
    this.heads = heads;
    this.slabs = slabs;
  }

  /** A transaction on top of a committed view, copying every path. */
  static WriteTxn on(MvccView start, HeadBuffer heads, ValueSlabs slabs) {
    return new WriteTxn(
        start.tree(),
        start.revision(),
        start.compactedRevision(),
        start.keyCount(),
        start.retainedVersions(),
        start.approxBytes(),
        start.config(),
        null,
        heads,
        slabs);
  }

  /**
   * Starts a new transaction on this object from the given state, as the constructor would with the
   * same compacted revision, config, edit and heads: a write batch makes its writes one after the
   * other through one object instead of one each.
   */
  WriteTxn restart(
      PersistentBTree<Version> tree, long base, long liveKeys, long versions, long approxBytes) {
    this.startTree = tree;
    this.tree = tree;
    this.base = base;
    this.liveKeys = liveKeys;
    this.versions = versions;
    this.approxBytes = approxBytes;
    this.nextSub = 0;
    this.events.clear();
    if (path != null) {
      path.clear();
    }
    this.pathPos = 0;
    return this;
  }

  /** The revision after this transaction: {@code base + 1} when it wrote something. */
  long revision() {
    return nextSub > 0 ? base + 1 : base;
  }

  /** Whether it wrote anything. */
  boolean changed() {
    return nextSub > 0;
  }

  List<Event> events() {
    return events;
  }

  /** The events as an immutable list (what {@link WriteResult} keeps; no copy of a copy). */
  List<Event> eventsCopy() {
    return switch (events.size()) {
      case 0 -> List.of();
      case 1 -> List.of(events.get(0));
      default -> List.copyOf(events);
    };
  }

  PersistentBTree<Version> tree() {
    return tree;
  }

  long liveKeys() {
    return liveKeys;
  }

  long versions() {
    return versions;
  }

  long approxBytes() {
    return approxBytes;
  }

  private void recordHead(byte[] key, Version head) {
    heads.add(key, head);
  }

  /**
   * Decides every branch of {@code r} (pre-order) against the start state and checks the puts on
   * the chosen path that need their key to exist, so that nothing is written if one would fail.
   */
  void plan(TxnRequest r) {
    if (path == null) {
      path = new ArrayList<>();
    }
    boolean ok = true;
    for (Compare c : r.compare()) {
      if (!Reads.compare(startTree, base, c)) {
        ok = false;
        break;
      }
    }
    path.add(ok);
    RequestOp.Visitor<Void> planner =
        new RequestOp.Visitor<>() {
          @Override
          public Void range(RangeRequest q) {
            Reads.resolveRevision(q.revision(), base, compactedRevision);
            return null;
          }

          @Override
          public Void put(PutRequest q) {
            if ((q.ignoreValue() || q.ignoreLease()) && !exists(q.key())) {
              throw new KeyNotFoundException(q.key());
            }
            return null;
          }

          @Override
          public Void deleteRange(DeleteRangeRequest q) {
            return null;
          }

          @Override
          public Void txn(TxnRequest q) {
            plan(q);
            return null;
          }
        };
    for (RequestOp op : ok ? r.success() : r.failure()) {
      op.accept(planner);
    }
  }

  private boolean exists(byte[] key) {
    Version head = startTree.get(key);
    return head != null && !head.isTombstone();
  }

  @Override
  public RangeResponse range(RangeRequest r) {
    return Reads.range(tree, null, revision(), compactedRevision, r, config);
  }

  @Override
  public PutResponse put(PutRequest r) {
    long main = base + 1;
    // One descent: the update function (apply(Version) below) sees the current head and builds
    // the new version.
    putRequest = r;
    putMain = main;
    try {
      tree = tree.update(r.key(), this, edit);
    } finally {
      putRequest = null;
    }
    Version cur = putPrevious;
    Version v = putVersion;
    // under a batch's edit: the key array the tree already held (an identity match in the head
    // index, and the request's copy is garbage at once)
    byte[] key = edit != null ? edit.lastKey() : r.key();
    recordHead(key, v);
    putPrevious = null;
    putVersion = null;
    nextSub++;
    if (putNewHead) {
      approxBytes += MvccView.KEY_OVERHEAD_BYTES + key.length;
    }
    if (cur == null) {
      liveKeys++;
    }
    versions++;
    approxBytes += v.sizeBytes();
    KeyValue prev = cur == null ? null : cur.toKeyValue(key, false);
    // The event carries the request's own value array (the bytes just copied into the slab), not
    // a second copy out of the slab.
    KeyValue written =
        r.ignoreValue()
            ? v.toKeyValue(key, false)
            : new KeyValue(key, r.value(), v.createMain, v.modMain, v.version, v.lease);
    events.add(new Event(EventType.PUT, written, prev, v.revision()));
    return new PutResponse(main, r.prevKv() ? prev : null);
  }

  /** The put's update function: the new head of {@link #putRequest}'s key over {@code head}. */
  @Override
  public Version apply(Version head) {
    PutRequest r = putRequest;
    long main = putMain;
    Version cur = head == null || head.isTombstone() ? null : head;
    if ((r.ignoreValue() || r.ignoreLease()) && cur == null) {
      throw new KeyNotFoundException(r.key());
    }
    putPrevious = cur;
    putNewHead = head == null;
    long create = cur == null ? main : cur.createMain;
    long version = cur == null ? 1 : cur.version + 1;
    long lease = r.ignoreLease() ? cur.lease : r.lease();
    // ignoreValue shares the current value's bytes (never written again), so it copies nothing.
    putVersion =
        r.ignoreValue()
            ? cur.withValueOf(main, nextSub, create, version, lease, head)
            : slabs.version(
                main, nextSub, create, version, lease, r.value(), 0, r.value().length, head);
    return putVersion;
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest r) {
    List<KeyValue> prevs = new ArrayList<>();
    long[] deleted = {0};
    long main = base + 1;
    // Iterate the tree as it is now while writing tombstones into the next one.
    Reads.forEach(
        tree,
        r.key(),
        r.rangeEnd(),
        (k, head) -> {
          if (head.isTombstone()) {
            return true;
          }
          Version tomb = Version.tombstone(main, nextSub++, head);
          tree = tree.put(k, tomb, edit);
          recordHead(k, tomb);
          versions++;
          liveKeys--;
          approxBytes += tomb.sizeBytes();
          deleted[0]++;
          KeyValue prev = head.toKeyValue(k, false);
          if (r.prevKv()) {
            prevs.add(prev);
          }
          events.add(
              new Event(EventType.DELETE, KeyValue.tombstone(k, main), prev, tomb.revision()));
          return true;
        });
    return new DeleteRangeResponse(revision(), deleted[0], prevs);
  }

  @Override
  public TxnResponse txn(TxnRequest r) {
    boolean succeeded = path.get(pathPos++);
    List<RequestOp> ops = succeeded ? r.success() : r.failure();
    List<ResponseOp> responses = new ArrayList<>(ops.size());
    for (RequestOp op : ops) {
      responses.add(op.accept(this));
    }
    return new TxnResponse(revision(), succeeded, responses);
  }
}
