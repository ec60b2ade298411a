package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.kv.KeyValue;
import java.util.Objects;

/**
 * The leader of an election as the cluster stores it.
 *
 * @param name the election
 * @param key the leader's campaign key, {@code name/<lease id hex>}
 * @param value the value the leader campaigned with or last proclaimed
 * @param createRevision the campaign key's create revision: the leadership's fencing token
 * @param modRevision the revision of the last proclaim
 * @param leaseId the leader's session lease
 */
public record LeaderInfo(
    ByteSequence name,
    ByteSequence key,
    ByteSequence value,
    long createRevision,
    long modRevision,
    long leaseId) {
  public LeaderInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  static LeaderInfo of(ByteSequence name, KeyValue kv) {
    return new LeaderInfo(
        name, kv.key(), kv.value(), kv.createRevision(), kv.modRevision(), kv.lease());
  }
}
