package io.etch.kv;

import io.etch.ByteSequence;
import java.util.Objects;

/**
 * One version of a key (etcd's mvccpb.KeyValue).
 *
 * @param key the key, never empty
 * @param value the value; empty for a keys-only read
 * @param createRevision the revision of the put that created the key (since its last deletion)
 * @param modRevision the revision of the key's last put
 * @param version how many puts since creation: 1 on creation, reset to 0 by deletion
 * @param lease the id of the lease the key is attached to; 0 for none
 */
public record KeyValue(
    ByteSequence key,
    ByteSequence value,
    long createRevision,
    long modRevision,
    long version,
    long lease) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
