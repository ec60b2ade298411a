package io.etch.kv;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts between a Java type and the bytes stored under a key or as a value, for {@link TypedKV}.
 *
 * <p>{@code decode(encode(x))} must equal {@code x}. For a key codec, the encoding also decides how
 * keys sort and what a prefix means, since the store orders raw bytes (unsigned); the built-in
 * codecs say how they order. Decoding bytes the codec did not write throws {@link
 * DecodingException}. Codecs must be stateless or thread-safe.
 *
 * @param <T> the decoded type
 */
public interface Codec<T> {
  ByteSequence encode(T value);

  /**
   * @throws DecodingException when the bytes are not a valid encoding
   */
  T decode(ByteSequence bytes);

  /** A short name for error messages, e.g. {@code "utf8"}. */
  String name();

  /**
   * Strings as UTF-8, strictly: malformed input fails to decode rather than becoming U+FFFD. Sorts
   * by Unicode code point (UTF-8 preserves code point order under unsigned byte comparison).
   */
  static Codec<String> utf8() {
    return Codecs.UTF8;
  }

  /**
   * Longs as 8 bytes, big-endian, with the sign bit flipped, so unsigned byte order is numeric
   * order ({@code -1 < 0 < 1}). Only 8-byte inputs decode.
   */
  static Codec<Long> int64() {
    return Codecs.INT64;
  }

  /** The bytes themselves, copied on the way in and out. */
  static Codec<byte[]> bytes() {
    return Codecs.BYTES;
  }

  /** {@link ByteSequence}s unchanged. */
  static Codec<ByteSequence> identity() {
    return Codecs.IDENTITY;
  }

  /**
   * A codec for {@code U} through this one: {@code encode(u) = this.encode(toThis(u))}, {@code
   * decode(b) = fromThis(this.decode(b))}. An exception thrown by {@code fromThis} becomes a {@link
   * DecodingException}. Example: {@code Codec.utf8().map("decimal", Long::valueOf,
   * String::valueOf)} stores longs as decimal text, as etcdctl users often do.
   */
  default <U> Codec<U> map(String name, Function<T, U> fromThis, Function<U, T> toThis) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fromThis, "fromThis");
    Objects.requireNonNull(toThis, "toThis");
    Codec<T> base = this;
    return new Codec<>() {
      @Override
      public ByteSequence encode(U value) {
        return base.encode(toThis.apply(Objects.requireNonNull(value, "value")));
      }

      @Override
      public U decode(ByteSequence bytes) {
        T decoded = base.decode(bytes);
        try {
          return fromThis.apply(decoded);
        } catch (DecodingException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new DecodingException(name, bytes.size(), e.toString());
        }
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String toString() {
        return "Codec(" + name + ")";
      }
    };
  }
}
