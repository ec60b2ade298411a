package io.etch;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable sequence of bytes: the type of every key and value, as in jetcd.
 *
 * <p>Ordering is etcd's: unsigned lexicographic byte order, so {@code "a" < "b" < "\xff"}.
 */
public final class ByteSequence implements Comparable<ByteSequence> {
  public static final ByteSequence EMPTY = new ByteSequence(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private ByteSequence(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A sequence holding a copy of {@code bytes}. */
  public static ByteSequence from(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new ByteSequence(bytes.clone());
  }

  /** The bytes of {@code s} in {@code charset}. */
  public static ByteSequence from(String s, Charset charset) {
    return new ByteSequence(s.getBytes(charset));
  }

  /** The UTF-8 bytes of {@code s}. */
  public static ByteSequence from(String s) {
    return from(s, StandardCharsets.UTF_8);
  }

  /** Wraps {@code bytes} without a copy: the caller gives up the array. */
  public static ByteSequence wrap(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new ByteSequence(bytes);
  }

  /** A copy of the bytes. */
  public byte[] getBytes() {
    return bytes.clone();
  }

  /** The bytes without a copy; callers must not modify the array. */
  public byte[] unsafeBytes() {
    return bytes;
  }

  public int size() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** This sequence followed by {@code other}. */
  public ByteSequence concat(ByteSequence other) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
    System.arraycopy(other.bytes, 0, out, bytes.length, other.bytes.length);
    return new ByteSequence(out);
  }

  public boolean startsWith(ByteSequence prefix) {
    return bytes.length >= prefix.bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  public String toString(Charset charset) {
    return new String(bytes, charset);
  }

  /** The bytes decoded as UTF-8. */
  @Override
  public String toString() {
    return toString(StandardCharsets.UTF_8);
  }

  @Override
  public int compareTo(ByteSequence o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteSequence b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }
}
