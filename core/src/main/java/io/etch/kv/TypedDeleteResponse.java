package io.etch.kv;

import java.util.List;
import java.util.Objects;

/**
 * A {@link DeleteResponse} with typed previous key-values.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record TypedDeleteResponse<K, V>(
    Header header, long deleted, List<TypedKeyValue<K, V>> prevKvs) {
  public TypedDeleteResponse {
    Objects.requireNonNull(header, "header");
    prevKvs = List.copyOf(prevKvs);
  }
}
