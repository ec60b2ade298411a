package io.etch.storage.mvcc;

import java.util.Arrays;

/**
 * One retained version of a key: a node of the key's persistent newest-first history list.
 *
 * <p>A put prepends one node (O(1), sharing the whole older list), so a write costs the B+tree path
 * copy and nothing proportional to the key's history. A read at revision {@code r} walks from the
 * newest version to the first one with {@code modMain <= r}; reads at or near the head, the common
 * case, stop at once. Compaction truncates the list below the compaction point, copying only the
 * (few) versions above it.
 *
 * <p>The value is {@link #valueLength()} bytes of {@link #valueArray} from {@link #valueOffset()}:
 * either a range of a slab shared with other values ({@link ValueSlabs}), or an array of its own
 * (offset 0, the whole array). Both are read-only once the version exists. One int, {@link
 * #valueSpan}, tells which and where, so the node stays at 64 bytes (12 header, the int, five
 * longs, two references) as when it held a plain array.
 *
 * <p>A tombstone has {@code version == 0} and no value ({@code valueArray == null}).
 */
final class Version {
  /** Rough heap cost of one version beyond its value bytes, for size accounting. */
  static final int OVERHEAD_BYTES = 56;

  /** {@link #valueSpan} of a value that owns its whole array (and of a tombstone). */
  private static final int OWN_ARRAY = -1;

  /** Low bits of a slab span holding the length; the offset is above them. */
  private static final int LENGTH_BITS = 11;

  private static final int LENGTH_MASK = (1 << LENGTH_BITS) - 1;

  final long modMain;
  final long modSub;
  final long createMain;
  final long version;
  final long lease;

  /** The array holding the value: a slab or the value's own array; null for a tombstone. */
  final byte[] valueArray;

  /** {@code offset << LENGTH_BITS | length} for a value in a slab, else {@link #OWN_ARRAY}. */
  private final int valueSpan;

  final Version older;

  /** A version whose value is all of {@code value} (null: a tombstone). */
  Version(
      long modMain,
      long modSub,
      long createMain,
      long version,
      long lease,
      byte[] value,
      Version older) {
    this(modMain, modSub, createMain, version, lease, value, OWN_ARRAY, older);
  }

  /** A version whose value lies in {@code valueArray} as {@code valueSpan} says. */
  Version(
      long modMain,
      long modSub,
      long createMain,
      long version,
      long lease,
      byte[] valueArray,
      int valueSpan,
      Version older) {
    this.modMain = modMain;
    this.modSub = modSub;
    this.createMain = createMain;
    this.version = version;
    this.lease = lease;
    this.valueArray = valueArray;
    this.valueSpan = valueSpan;
    this.older = older;
  }

  /** The span of {@code length} bytes at {@code offset} of a slab. */
  static int slabSpan(int offset, int length) {
    if (offset < 0 || offset > (Integer.MAX_VALUE >>> LENGTH_BITS) || length <= 0) {
      throw new IllegalArgumentException(
          "slab range at " + offset + " of " + length + " bytes cannot be encoded");
    }
    if (length > LENGTH_MASK) {
      throw new IllegalArgumentException(
          "slab value of " + length + " bytes exceeds the span's " + LENGTH_MASK);
    }
    return offset << LENGTH_BITS | length;
  }

  /**
   * Whether every range of a slab of {@code slabBytes} with values up to {@code maxValueBytes} can
   * be encoded.
   */
  static boolean fitsSlabSpan(int slabBytes, int maxValueBytes) {
    return maxValueBytes <= LENGTH_MASK && slabBytes <= (Integer.MAX_VALUE >>> LENGTH_BITS) + 1;
  }

  static Version tombstone(long main, long sub, Version older) {
    return new Version(main, sub, 0, 0, 0, null, older);
  }

  boolean isTombstone() {
    return version == 0;
  }

  /** Whether the value lies in a slab (shared with other values). */
  boolean inSlab() {
    return valueSpan != OWN_ARRAY;
  }

  /** Where the value starts in {@link #valueArray}. */
  int valueOffset() {
    return valueSpan == OWN_ARRAY ? 0 : valueSpan >>> LENGTH_BITS;
  }

  /** The value's length (0 for a tombstone). */
  int valueLength() {
    if (valueSpan != OWN_ARRAY) {
      return valueSpan & LENGTH_MASK;
    }
    return valueArray == null ? 0 : valueArray.length;
  }

  /** Unsigned lexicographic comparison of the value (empty for a tombstone) with {@code other}. */
  int compareValue(byte[] other) {
    if (valueArray == null) {
      return Arrays.compareUnsigned(KeyValue.EMPTY, other);
    }
    int from = valueOffset();
    return Arrays.compareUnsigned(valueArray, from, from + valueLength(), other, 0, other.length);
  }

  Version withOlder(Version newOlder) {
    return new Version(
        modMain, modSub, createMain, version, lease, valueArray, valueSpan, newOlder);
  }

  /** A version with this one's value (sharing its bytes) and the given fields. */
  Version withValueOf(
      long modMain, long modSub, long createMain, long version, long lease, Version older) {
    return new Version(modMain, modSub, createMain, version, lease, valueArray, valueSpan, older);
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
    return OVERHEAD_BYTES + valueLength();
  }

  Revision revision() {
    return new Revision(modMain, modSub);
  }

  KeyValue toKeyValue(byte[] key, boolean keysOnly) {
    if (isTombstone()) {
      return KeyValue.tombstone(key, modMain);
    }
    if (keysOnly || valueSpan == OWN_ARRAY) {
      byte[] value = keysOnly || valueArray.length == 0 ? KeyValue.EMPTY : valueArray;
      return new KeyValue(key, value, createMain, modMain, version, lease);
    }
    // copied out of the slab only if the value is asked for
    return KeyValue.inSlab(
        key, valueArray, valueOffset(), valueLength(), createMain, modMain, version, lease);
  }
}
