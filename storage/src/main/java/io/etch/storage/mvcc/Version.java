package io.etch.storage.mvcc;

/**
 * One retained version of a key: a node of the key's persistent newest-first history list.
 *
 * <p>A put prepends one node (O(1), sharing the whole older list), so a write costs the B+tree path
 * copy and nothing proportional to the key's history. A read at revision {@code r} walks from the
 * newest version to the first one with {@code modMain <= r}; reads at or near the head, the common
 * case, stop at once. Compaction truncates the list below the compaction point, copying only the
 * (few) versions above it.
 *
 * <p>A tombstone has {@code version == 0} and a null value.
 */
final class Version {
  /** Rough heap cost of one version beyond its value bytes, for size accounting. */
  static final int OVERHEAD_BYTES = 56;

  final long modMain;
  final long modSub;
  final long createMain;
  final long version;
  final long lease;
  final byte[] value;
  final Version older;

  Version(
      long modMain,
      long modSub,
      long createMain,
      long version,
      long lease,
      byte[] value,
      Version older) {
    this.modMain = modMain;
    this.modSub = modSub;
    this.createMain = createMain;
    this.version = version;
    this.lease = lease;
    this.value = value;
    this.older = older;
  }

  static Version tombstone(long main, long sub, Version older) {
    return new Version(main, sub, 0, 0, 0, null, older);
  }

  boolean isTombstone() {
    return version == 0;
  }

  Version withOlder(Version newOlder) {
    return new Version(modMain, modSub, createMain, version, lease, value, newOlder);
  }

  /** The newest version with main revision at or below {@code rev}, or null. */
  Version at(long rev) {
    Version v = this;
    while (v != null && v.modMain > rev) {
      v = v.older;
    }
    return v;
  }

  /** The live version visible at {@code rev} (null if absent or deleted then). */
  Version liveAt(long rev) {
    Version v = at(rev);
    return v == null || v.isTombstone() ? null : v;
  }

  long sizeBytes() {
    return OVERHEAD_BYTES + (value == null ? 0 : value.length);
  }

  Revision revision() {
    return new Revision(modMain, modSub);
  }

  KeyValue toKeyValue(byte[] key, boolean keysOnly) {
    if (isTombstone()) {
      return KeyValue.tombstone(key, modMain);
    }
    return new KeyValue(
        key, keysOnly ? KeyValue.EMPTY : value, createMain, modMain, version, lease);
  }
}
