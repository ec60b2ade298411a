package io.etch.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PutResponse} with a typed previous key-value.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record TypedPutResponse<K, V>(Header header, Optional<TypedKeyValue<K, V>> prevKv) {
  public TypedPutResponse {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(prevKv, "prevKv");
  }
}
