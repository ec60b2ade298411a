package io.etch.kv;

import java.util.List;
import java.util.Objects;

/**
 * A {@link GetResponse} with typed key-values; {@code more} and {@code count} as there.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record TypedGetResponse<K, V>(
    Header header, List<TypedKeyValue<K, V>> kvs, boolean more, long count) {
  public TypedGetResponse {
    Objects.requireNonNull(header, "header");
    kvs = List.copyOf(kvs);
  }
}
