package io.etch.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one of {@link TypedKV}'s conditional writes.
 *
 * @param succeeded whether the condition held and the write was applied
 * @param header on success, {@code header.revision()} is the revision the write created
 * @param current on failure, the key's key-value at the time of the check (empty when the key did
 *     not exist); empty on success
 * @param <K> key type
 * @param <V> value type
 */
public record TypedTxnResult<K, V>(
    boolean succeeded, Header header, Optional<TypedKeyValue<K, V>> current) {
  public TypedTxnResult {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(current, "current");
  }
}
