package io.etch.storage.mvcc;

import java.util.Arrays;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}. The key array, and the value array of a
 * value too long for a value slab, are shared with the store, not copied: treat them as read-only.
 * (Shorter values live packed in the store's slabs and are copied out into an array of their own.)
 *
 * @param key the key
 * @param value the value (empty for tombstones and keys-only reads)
 * @param createRevision main revision of the put that created this generation (0 for a tombstone)
 * @param modRevision main revision of the write that produced this version
 * @param version 1 for the first put of a generation, +1 per put; 0 for a tombstone
 * @param lease the attached lease id, 0 for none
 */
public record KeyValue(
    byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

  static final byte[] EMPTY = new byte[0];

  /** The tombstone a delete event carries: the key and the deleting revision. */
  static KeyValue tombstone(byte[] key, long modRevision) {
    return new KeyValue(key, EMPTY, 0, modRevision, 0, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && Arrays.equals(key, kv.key)
        && Arrays.equals(value, kv.value)
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision
        && version == kv.version
        && lease == kv.lease;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(key);
    h = 31 * h + Arrays.hashCode(value);
    return 31 * h + Long.hashCode(modRevision);
  }

  @Override
  public String toString() {
    return "KeyValue[key="
        + Keys.printable(key)
        + ", value="
        + Keys.printable(value)
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
