package io.etch.storage.mvcc;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * An immutable, consistent snapshot of the store: a B+tree root, the revision it is at and the
 * compacted revision. Obtained from {@link MvccStore#view()}; safe to use from any thread, without
 * locks, for as long as needed while the writer goes on (it pins the versions it can reach; a long
 * held view therefore delays the memory release of a compaction).
 *
 * <p>Reads below the compacted revision fail with {@link CompactedException}, reads above {@link
 * #revision()} with {@link FutureRevisionException}.
 */
public final class MvccView {
  /** Rough heap cost of one indexed key beyond its bytes (tree slot, array header). */
  static final int KEY_OVERHEAD_BYTES = 40;

  private final PersistentBTree<Version> tree;
  private final HeadIndex heads;
  private final long revision;
  private final long compactedRevision;
  private final MvccConfig config;
  private final long keyCount;
  private final long retainedVersions;
  private final long approxBytes;

  MvccView(
      PersistentBTree<Version> tree,
      HeadIndex heads,
      long revision,
      long compactedRevision,
      MvccConfig config,
      long keyCount,
      long retainedVersions,
      long approxBytes) {
    this.tree = tree;
    this.heads = heads;
    this.revision = revision;
    this.compactedRevision = compactedRevision;
    this.config = config;
    this.keyCount = keyCount;
    this.retainedVersions = retainedVersions;
    this.approxBytes = approxBytes;
  }

  PersistentBTree<Version> tree() {
    return tree;
  }

  HeadIndex heads() {
    return heads;
  }

  MvccConfig config() {
    return config;
  }

  /** The revision of the last write visible in this view. */
  public long revision() {
    return revision;
  }

  /** The compacted revision: reads need a revision at or above it. */
  public long compactedRevision() {
    return compactedRevision;
  }

  /** Number of live (not deleted) keys at {@link #revision()}. */
  public long keyCount() {
    return keyCount;
  }

  /** Number of keys in the index, including deleted keys whose tombstones are still retained. */
  public long indexedKeys() {
    return tree.size();
  }

  /** Number of versions (including tombstones) retained for all keys. */
  public long retainedVersions() {
    return retainedVersions;
  }

  /** Approximate heap bytes of the retained data (keys, values, per-version overhead). */
  public long approxBytes() {
    return approxBytes;
  }

  /** Serves a range request (see {@link RangeRequest}) as etcd. */
  public RangeResponse range(RangeRequest request) {
    return Reads.range(tree, heads, revision, compactedRevision, request, config);
  }

  /**
   * The live version of {@code key} at the current revision, or null. A hash probe (see {@link
   * HeadIndex}), cheaper than a {@link #range} of the single key.
   */
  public KeyValue get(byte[] key) {
    return get(key, revision);
  }

  /** The live version of {@code key} at {@code rev}, or null. */
  public KeyValue get(byte[] key, long rev) {
    Requests.checkKey(key, config);
    long at = Reads.resolveRevision(rev, revision, compactedRevision);
    // Head first, floor second (see HeadIndex); below the floor only this view's tree is exact.
    Version head = heads.head(key);
    if (at < heads.floorRevision()) {
      head = tree.get(key);
    }
    Version v = head == null ? null : head.liveAt(at);
    return v == null ? null : v.toKeyValue(key, false);
  }

  /** Evaluates a txn compare against the current revision. */
  public boolean compare(Compare compare) {
    Requests.checkCompare(compare, config);
    return Reads.compare(tree, revision, compare);
  }

  /**
   * History for watch catch-up: events of {@code [key, rangeEnd)} (etcd range conventions) with
   * revision >= {@code from}, up to {@link #revision()}, in revision order (within a revision in
   * request order), at most {@code maxEvents}. Continue with {@link HistoryPage#next()}.
   *
   * @throws CompactedException when {@code from.main() < compactedRevision()} (etcd's watch rule)
   */
  public HistoryPage history(byte[] key, byte[] rangeEnd, Revision from, int maxEvents) {
    return Reads.history(tree, revision, compactedRevision, key, rangeEnd, from, maxEvents, config);
  }

  /** etcd's hashKv at {@code rev} (0: current); see {@link Reads#hashKv}. */
  public KvHash hashKv(long rev) {
    return Reads.hashKv(tree, revision, compactedRevision, rev);
  }

  /** Live keys with a lease, grouped by lease id (for rebuilding the lessor after a restore). */
  public Long2ObjectHashMap<List<byte[]>> keysByLease() {
    return Reads.keysByLease(tree, revision);
  }

  /**
   * Writes this view (every retained version, both revisions, and the caller's applied index and
   * extra bytes) to {@code out}, followed by a CRC32C of everything written. Does not close {@code
   * out}.
   */
  public void writeSnapshot(OutputStream out, long appliedIndex, byte[] extra) throws IOException {
    MvccSnapshot.write(this, out, appliedIndex, extra);
  }
}
