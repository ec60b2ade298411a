package io.etch.kv;

import java.util.Objects;

/**
 * A {@link KeyValue} seen through codecs. Key and value are decoded on each call (no caching), so a
 * keys-only read can be used as long as {@link #value()} is not called; decoding failures throw
 * {@link io.etch.DecodingException}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedKeyValue<K, V> {
  private final KeyValue raw;
  private final Codec<K> keyCodec;
  private final Codec<V> valueCodec;

  public TypedKeyValue(KeyValue raw, Codec<K> keyCodec, Codec<V> valueCodec) {
    this.raw = Objects.requireNonNull(raw, "raw");
    this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
    this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
  }

  public K key() {
    return keyCodec.decode(raw.key());
  }

  public V value() {
    return valueCodec.decode(raw.value());
  }

  public long createRevision() {
    return raw.createRevision();
  }

  public long modRevision() {
    return raw.modRevision();
  }

  public long version() {
    return raw.version();
  }

  public long lease() {
    return raw.lease();
  }

  /** The undecoded key-value. */
  public KeyValue raw() {
    return raw;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypedKeyValue<?, ?> t && t.raw.equals(raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return "TypedKeyValue[raw=" + raw + "]";
  }
}
