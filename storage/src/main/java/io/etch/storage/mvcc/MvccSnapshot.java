package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccSnapshotDescriptor.*;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes and restores the snapshot stream drawn in {@link MvccSnapshotDescriptor}: the store's
 * revisions, the caller's extra bytes and every retained version of every key, oldest first per
 * key, with a trailing CRC32C over every byte before it.
 *
 * <p><b>Cost.</b> A snapshot carries the whole uncompacted history, so its cost is per version:
 * writing walks the histories of a few keys at a time in lockstep ({@link HistoryLanes}, so their
 * cache misses overlap) and encodes each version with absolute stores into the {@link
 * MvccSnapshotEncoder}'s chunk (the checksum and the stream see whole chunks); restoring decodes
 * the same way from the {@link MvccSnapshotDecoder}'s chunk and allocates only what the restored
 * store keeps (the key, the version node and, for a value too long for a slab, its array; shorter
 * values are read straight into the restored store's {@link ValueSlabs}). The byte format knows
 * nothing of slabs.
 *
 * <p><b>Validation.</b> Restoring validates the magic, format, lengths (against sanity bounds), key
 * order, revision order and the checksum; any violation is a {@link SnapshotCorruptException}.
 * Restoring applies the compaction rule at the compacted revision to each key, so a snapshot taken
 * while a batched compaction was still running restores fully compacted.
 */
final class MvccSnapshot {
  private MvccSnapshot() {}

  /** What a restore yields besides the store. */
  record Contents(MvccView view, ValueSlabs slabs, long appliedIndex, byte[] extra) {}

  static void write(MvccView view, OutputStream out, long appliedIndex, byte[] extra)
      throws IOException {
    byte[] ex = extra == null ? KeyValue.EMPTY : extra;
    MvccSnapshotEncoder e = new MvccSnapshotEncoder(out);
    MutableDirectBuffer b = e.buffer();
    int h = e.claim(HEADER_LENGTH);
    b.putLong(h + MAGIC_OFFSET, MAGIC, BYTE_ORDER);
    b.putInt(h + FORMAT_OFFSET, FORMAT, BYTE_ORDER);
    b.putLong(h + REVISION_OFFSET, view.revision(), BYTE_ORDER);
    b.putLong(h + COMPACTED_REVISION_OFFSET, view.compactedRevision(), BYTE_ORDER);
    b.putLong(h + APPLIED_INDEX_OFFSET, appliedIndex, BYTE_ORDER);
    b.putInt(h + EXTRA_LENGTH_OFFSET, ex.length, BYTE_ORDER);
    e.putBytes(ex);
    e.putLong(view.indexedKeys());
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    HistoryLanes lanes = new HistoryLanes();
    for (int n = lanes.fill(c); n > 0; n = lanes.fill(c)) {
      for (int lane = 0; lane < n; lane++) {
        byte[] key = lanes.key(lane);
        int count = lanes.count(lane);
        e.putInt(key.length);
        e.putBytes(key);
        e.putInt(count);
        for (int i = count - 1; i >= 0; i--) {
          Version v = lanes.version(lane, i);
          int length = lanes.valueLength(lane, i);
          int at = e.claim(VERSION_HEADER_LENGTH);
          b.putLong(at + MOD_MAIN_OFFSET, v.modMain, BYTE_ORDER);
          b.putLong(at + MOD_SUB_OFFSET, v.modSub, BYTE_ORDER);
          b.putLong(at + CREATE_OFFSET, v.createMain, BYTE_ORDER);
          b.putLong(at + VERSION_OFFSET, v.version, BYTE_ORDER);
          b.putLong(at + LEASE_OFFSET, v.lease, BYTE_ORDER);
          b.putInt(at + VALUE_LENGTH_OFFSET, length, BYTE_ORDER);
          if (length != TOMBSTONE_LENGTH) {
            e.putBytes(v.valueArray, v.valueOffset(), length);
          }
        }
      }
    }
    e.putInt(END_MARKER);
    e.finish();
  }

  static Contents read(InputStream in, MvccConfig config) throws IOException {
    try {
      return decode(new MvccSnapshotDecoder(in), config);
    } catch (EOFException e) {
      throw new SnapshotCorruptException("truncated stream", e);
    }
  }

  private static Contents decode(MvccSnapshotDecoder d, MvccConfig config) throws IOException {
    DirectBuffer b = d.buffer();
    int h = d.take(HEADER_LENGTH);
    if (b.getLong(h + MAGIC_OFFSET, BYTE_ORDER) != MAGIC) {
      throw new SnapshotCorruptException("bad magic");
    }
    int format = b.getInt(h + FORMAT_OFFSET, BYTE_ORDER);
    if (format != FORMAT) {
      throw new SnapshotCorruptException("unknown format " + format);
    }
    long revision = b.getLong(h + REVISION_OFFSET, BYTE_ORDER);
    long compacted = b.getLong(h + COMPACTED_REVISION_OFFSET, BYTE_ORDER);
    long applied = b.getLong(h + APPLIED_INDEX_OFFSET, BYTE_ORDER);
    int extraLength = b.getInt(h + EXTRA_LENGTH_OFFSET, BYTE_ORDER);
    if (revision < 0 || compacted < 0 || compacted > revision) {
      throw new SnapshotCorruptException(
          "revisions out of order: current " + revision + ", compacted " + compacted);
    }
    byte[] extra = readBytes(d, extraLength, MAX_EXTRA_BYTES, "extra");
    long keys = d.takeLong();
    if (keys < 0) {
      throw new SnapshotCorruptException("negative key count " + keys);
    }
    PersistentBTree.Builder<Version> builder = new PersistentBTree.Builder<>();
    ValueSlabs slabs = new ValueSlabs();
    // Every value read lands in a fresh slab: nothing to move out of older ones.
    Compaction compaction = new Compaction(slabs, 0);
    int maxKeyBytes = config.maxKeyBytes();
    int maxValueBytes = config.maxValueBytes();
    long live = 0;
    long versions = 0;
    long bytes = 0;
    byte[] previousKey = null;
    for (long k = 0; k < keys; k++) {
      byte[] key = readBytes(d, d.takeInt(), maxKeyBytes, "key");
      if (key.length == 0
          || (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0)) {
        throw new SnapshotCorruptException("keys empty or out of order at key #" + k);
      }
      previousKey = key;
      int count = d.takeInt();
      if (count <= 0) {
        throw new SnapshotCorruptException("key #" + k + " has " + count + " versions");
      }
      Version head = null;
      for (int i = 0; i < count; i++) {
        int at = d.take(VERSION_HEADER_LENGTH);
        long main = b.getLong(at + MOD_MAIN_OFFSET, BYTE_ORDER);
        long sub = b.getLong(at + MOD_SUB_OFFSET, BYTE_ORDER);
        long create = b.getLong(at + CREATE_OFFSET, BYTE_ORDER);
        long version = b.getLong(at + VERSION_OFFSET, BYTE_ORDER);
        long lease = b.getLong(at + LEASE_OFFSET, BYTE_ORDER);
        int len = b.getInt(at + VALUE_LENGTH_OFFSET, BYTE_ORDER);
        if (main <= 0
            || main > revision
            || sub < 0
            || (head != null
                && (main < head.modMain || (main == head.modMain && sub <= head.modSub)))) {
          throw new SnapshotCorruptException("version revisions out of order at key #" + k);
        }
        boolean tomb = len == TOMBSTONE_LENGTH;
        if (tomb != (version == 0)) {
          throw new SnapshotCorruptException("tombstone flag mismatch at key #" + k);
        }
        head =
            readVersion(
                d, slabs, tomb, len, maxValueBytes, main, sub, create, version, lease, head);
      }
      Version compacted2 = compaction.compact(key, head, compacted);
      if (compacted2 == null) {
        continue;
      }
      builder.add(key, compacted2);
      bytes += MvccView.KEY_OVERHEAD_BYTES + key.length;
      for (Version v = compacted2; v != null; v = v.older) {
        versions++;
        bytes += v.sizeBytes();
      }
      if (!compacted2.isTombstone()) {
        live++;
      }
    }
    if (d.takeInt() != END_MARKER) {
      throw new SnapshotCorruptException("missing end marker");
    }
    int expected = d.checksum();
    int actual = d.takeInt();
    if (expected != actual) {
      throw new SnapshotCorruptException(
          "checksum mismatch: computed "
              + Integer.toHexString(expected)
              + ", stored "
              + Integer.toHexString(actual));
    }
    PersistentBTree<Version> tree = builder.build();
    MvccView view =
        new MvccView(
            tree,
            HeadIndex.of(tree, compacted),
            revision,
            compacted,
            config,
            live,
            versions,
            bytes);
    return new Contents(view, slabs, applied, extra);
  }

  /** A version whose value (unless a tombstone) is read into a slab, or its own array if long. */
  private static Version readVersion(
      MvccSnapshotDecoder d,
      ValueSlabs slabs,
      boolean tomb,
      int len,
      int maxValueBytes,
      long main,
      long sub,
      long create,
      long version,
      long lease,
      Version older)
      throws IOException {
    if (tomb) {
      return new Version(main, sub, create, version, lease, null, older);
    }
    if (len < 0 || len > maxValueBytes) {
      throw new SnapshotCorruptException(
          "value length " + len + " outside [0, " + maxValueBytes + "]");
    }
    if (len == 0) {
      return new Version(main, sub, create, version, lease, KeyValue.EMPTY, older);
    }
    if (len > ValueSlabs.MAX_SLAB_VALUE_BYTES) {
      return new Version(main, sub, create, version, lease, d.takeBytes(len), older);
    }
    int at = slabs.reserve(len);
    byte[] slab = slabs.slab();
    d.takeInto(slab, at, len);
    return new Version(main, sub, create, version, lease, slab, Version.slabSpan(at, len), older);
  }

  private static byte[] readBytes(MvccSnapshotDecoder d, int len, int limit, String what)
      throws IOException {
    if (len < 0 || len > limit) {
      throw new SnapshotCorruptException(what + " length " + len + " outside [0, " + limit + "]");
    }
    return d.takeBytes(len);
  }
}
