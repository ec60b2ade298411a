package io.etch.storage.mvcc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot stream format (all integers big-endian).
 *
 * <pre>
 *   0      8      12           20             28            36        40
 *   +------+------+------------+--------------+-------------+---------+-------------+
 *   |magic |format|  revision  | compacted rev| applied idx |extra len| extra bytes |
 *   |ETCHMV|  1   |   int64    |    int64     |   int64     |  int32  |   ...       |
 *   +------+------+------------+--------------+-------------+---------+-------------+
 *   | key count int64 | key record * count                  | end marker int32 | crc32c int32 |
 *   +-----------------+-------------------------------------+------------------+--------------+
 *
 *   key record:  key len int32 | key bytes | version count int32 | version * count (oldest first)
 *   version:     mod main int64 | mod sub int64 | create int64 | version int64 | lease int64 |
 *                value len int32 (-1 for a tombstone) | value bytes
 * </pre>
 *
 * <p>The trailing CRC32C covers every byte before it. Restoring validates the magic, format,
 * lengths (against sanity bounds), key order, revision order and the checksum; any violation is a
 * {@link SnapshotCorruptException}. Restoring applies the compaction rule at the compacted revision
 * to each key, so a snapshot taken while a batched compaction was still running restores fully
 * compacted.
 */
final class MvccSnapshot {
  private MvccSnapshot() {}

  static final long MAGIC = 0x455443484d564343L; // "ETCHMVCC"
  static final int FORMAT = 1;
  static final int END_MARKER = 0x454e4421; // "END!"
  static final int MAX_EXTRA_BYTES = 1 << 30;

  /** What a restore yields besides the store. */
  record Contents(MvccView view, long appliedIndex, byte[] extra) {}

  static void write(MvccView view, OutputStream out, long appliedIndex, byte[] extra)
      throws IOException {
    byte[] ex = extra == null ? KeyValue.EMPTY : extra;
    CRC32C crc = new CRC32C();
    BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
    DataOutputStream d = new DataOutputStream(new CheckedOutputStream(buffered, crc));
    d.writeLong(MAGIC);
    d.writeInt(FORMAT);
    d.writeLong(view.revision());
    d.writeLong(view.compactedRevision());
    d.writeLong(appliedIndex);
    d.writeInt(ex.length);
    d.write(ex);
    d.writeLong(view.indexedKeys());
    Version[] stack = new Version[16];
    PersistentBTree.Cursor<Version> c = view.tree().ascending(null);
    while (c.next()) {
      byte[] key = c.key();
      int n = 0;
      for (Version v = c.value(); v != null; v = v.older) {
        if (n == stack.length) {
          stack = Arrays.copyOf(stack, n * 2);
        }
        stack[n++] = v;
      }
      d.writeInt(key.length);
      d.write(key);
      d.writeInt(n);
      for (int i = n - 1; i >= 0; i--) {
        Version v = stack[i];
        d.writeLong(v.modMain);
        d.writeLong(v.modSub);
        d.writeLong(v.createMain);
        d.writeLong(v.version);
        d.writeLong(v.lease);
        if (v.isTombstone()) {
          d.writeInt(-1);
        } else {
          d.writeInt(v.value.length);
          d.write(v.value);
        }
      }
      Arrays.fill(stack, 0, n, null);
    }
    d.writeInt(END_MARKER);
    d.flush();
    DataOutputStream trailer = new DataOutputStream(buffered);
    trailer.writeInt((int) crc.getValue());
    trailer.flush();
  }

  static Contents read(InputStream in, MvccConfig config) throws IOException {
    CRC32C crc = new CRC32C();
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    DataInputStream d = new DataInputStream(new CheckedInputStream(buffered, crc));
    try {
      if (d.readLong() != MAGIC) {
        throw new SnapshotCorruptException("bad magic");
      }
      int format = d.readInt();
      if (format != FORMAT) {
        throw new SnapshotCorruptException("unknown format " + format);
      }
      long revision = d.readLong();
      long compacted = d.readLong();
      long applied = d.readLong();
      if (revision < 0 || compacted < 0 || compacted > revision) {
        throw new SnapshotCorruptException(
            "revisions out of order: current " + revision + ", compacted " + compacted);
      }
      byte[] extra = readBytes(d, d.readInt(), MAX_EXTRA_BYTES, "extra");
      long keys = d.readLong();
      if (keys < 0) {
        throw new SnapshotCorruptException("negative key count " + keys);
      }
      PersistentBTree.Builder<Version> builder = new PersistentBTree.Builder<>();
      Compaction compaction = new Compaction();
      long live = 0;
      long versions = 0;
      long bytes = 0;
      byte[] previousKey = null;
      for (long k = 0; k < keys; k++) {
        byte[] key = readBytes(d, d.readInt(), config.maxKeyBytes(), "key");
        if (key.length == 0
            || (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0)) {
          throw new SnapshotCorruptException("keys empty or out of order at key #" + k);
        }
        previousKey = key;
        int count = d.readInt();
        if (count <= 0) {
          throw new SnapshotCorruptException("key #" + k + " has " + count + " versions");
        }
        Version head = null;
        for (int i = 0; i < count; i++) {
          long main = d.readLong();
          long sub = d.readLong();
          long create = d.readLong();
          long version = d.readLong();
          long lease = d.readLong();
          int len = d.readInt();
          if (main <= 0
              || main > revision
              || sub < 0
              || (head != null
                  && (main < head.modMain || (main == head.modMain && sub <= head.modSub)))) {
            throw new SnapshotCorruptException("version revisions out of order at key #" + k);
          }
          boolean tomb = len == -1;
          if (tomb != (version == 0)) {
            throw new SnapshotCorruptException("tombstone flag mismatch at key #" + k);
          }
          byte[] value = tomb ? null : readBytes(d, len, config.maxValueBytes(), "value");
          head = new Version(main, sub, create, version, lease, value, head);
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
      if (d.readInt() != END_MARKER) {
        throw new SnapshotCorruptException("missing end marker");
      }
      int expected = (int) crc.getValue();
      int actual = new DataInputStream(buffered).readInt();
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
      return new Contents(view, applied, extra);
    } catch (EOFException e) {
      throw new SnapshotCorruptException("truncated stream", e);
    }
  }

  private static byte[] readBytes(DataInputStream d, int len, int limit, String what)
      throws IOException {
    if (len < 0 || len > limit) {
      throw new SnapshotCorruptException(what + " length " + len + " outside [0, " + limit + "]");
    }
    byte[] b = new byte[len];
    d.readFully(b);
    return b;
  }
}
