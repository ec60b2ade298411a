package io.etch.storage.mvcc;

import java.util.Arrays;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}: an immutable value object with the
 * accessors of a record ({@link #key()}, {@link #value()}, ...).
 *
 * <p>The key array, and the value array of a value too long for a value slab, are shared with the
 * store, not copied: treat them as read-only. A shorter value lives packed in one of the store's
 * slabs ({@link ValueSlabs}); a key-value read from the store refers to that range and copies it
 * into an array of its own the first time {@link #value()} is called (later calls return the same
 * array). So an event's previous version, which most consumers only look at for its lease or
 * revisions, costs no read of its (usually cold) value bytes. Until then it keeps the slab
 * reachable, as the version it was read from does.
 */
public final class KeyValue {
  static final byte[] EMPTY = new byte[0];

  private final byte[] key;

  /** The value itself ({@link #valueLength} {@code < 0}), or the slab holding it. */
  private final byte[] valueSource;

  private final int valueOffset;

  /** The value's length in {@link #valueSource}, or -1 when the source is the value itself. */
  private final int valueLength;

  private final long createRevision;
  private final long modRevision;
  private final long version;
  private final long lease;

  /**
   * The value copied out of its slab, once asked for (volatile: the copy's bytes are published).
   */
  private volatile byte[] copied;

  /**
   * @param key the key
   * @param value the value (empty for tombstones and keys-only reads)
   * @param createRevision main revision of the put that created this generation (0 for a tombstone)
   * @param modRevision main revision of the write that produced this version
   * @param version 1 for the first put of a generation, +1 per put; 0 for a tombstone
   * @param lease the attached lease id, 0 for none
   */
  public KeyValue(
      byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {
    this(key, value, 0, -1, createRevision, modRevision, version, lease);
  }

  private KeyValue(
      byte[] key,
      byte[] valueSource,
      int valueOffset,
      int valueLength,
      long createRevision,
      long modRevision,
      long version,
      long lease) {
    this.key = key;
    this.valueSource = valueSource;
    this.valueOffset = valueOffset;
    this.valueLength = valueLength;
    this.createRevision = createRevision;
    this.modRevision = modRevision;
    this.version = version;
    this.lease = lease;
  }

  /** A key-value whose value is {@code length} bytes of {@code slab} from {@code offset}. */
  static KeyValue inSlab(
      byte[] key,
      byte[] slab,
      int offset,
      int length,
      long createRevision,
      long modRevision,
      long version,
      long lease) {
    return new KeyValue(key, slab, offset, length, createRevision, modRevision, version, lease);
  }

  /** The tombstone a delete event carries: the key and the deleting revision. */
  static KeyValue tombstone(byte[] key, long modRevision) {
    return new KeyValue(key, EMPTY, 0, modRevision, 0, 0);
  }

  /** The key. */
  public byte[] key() {
    return key;
  }

  /** The value (empty for tombstones and keys-only reads); the same array on every call. */
  public byte[] value() {
    if (valueLength < 0) {
      return valueSource;
    }
    byte[] v = copied;
    if (v == null) {
      // Two threads may both copy; either copy is the same bytes, and later calls see one of them.
      v = Arrays.copyOfRange(valueSource, valueOffset, valueOffset + valueLength);
      copied = v;
    }
    return v;
  }

  /** Main revision of the put that created this generation (0 for a tombstone). */
  public long createRevision() {
    return createRevision;
  }

  /** Main revision of the write that produced this version. */
  public long modRevision() {
    return modRevision;
  }

  /** 1 for the first put of a generation, +1 per put; 0 for a tombstone. */
  public long version() {
    return version;
  }

  /** The attached lease id, 0 for none. */
  public long lease() {
    return lease;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && Arrays.equals(key, kv.key)
        && Arrays.equals(value(), kv.value())
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision
        && version == kv.version
        && lease == kv.lease;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(key);
    h = 31 * h + Arrays.hashCode(value());
    return 31 * h + Long.hashCode(modRevision);
  }

  @Override
  public String toString() {
    return "KeyValue[key="
        + Keys.printable(key)
        + ", value="
        + Keys.printable(value())
        + ", create="
        + createRevision
        + ", mod="
        + modRevision
        + ", version="
        + version
        + ", lease="
        + lease
        + "]";
  }
}
