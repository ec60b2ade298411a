package io.etch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A key or a range of keys, in etcd's encoding: {@code [key, rangeEnd)}.
 *
 * <ul>
 *   <li>{@code rangeEnd} empty: the single key {@code key}.
 *   <li>{@code rangeEnd} = {@code "\0"} (one zero byte): every key {@code >= key} ("from key").
 *   <li>{@code key} = {@code rangeEnd} = {@code "\0"}: every key.
 *   <li>{@code rangeEnd} = {@link #prefixEnd(ByteSequence) prefixEnd(key)}: every key that starts
 *       with {@code key} ("aa" + 1 = "ab", "a\xff" + 1 = "b"); when the prefix is empty or all
 *       {@code 0xff} bytes there is no such bound and the range end is {@code "\0"}.
 *   <li>otherwise: the half-open interval {@code [key, rangeEnd)} in unsigned byte order; it is
 *       empty when {@code rangeEnd <= key}.
 * </ul>
 *
 * Options ({@code GetOption}, {@code DeleteOption}, {@code WatchOption}, {@code Cmp}) turn a key
 * plus their endKey / prefix / fromKey setting into a {@code KeyRange} with {@code of…} below, and
 * the node and its storage work on this form only.
 *
 * @param key first key of the range; never empty (an empty key is only accepted as a prefix or
 *     from-key start and is turned into {@code "\0"}, as etcd's client does)
 * @param rangeEnd exclusive end, {@code "\0"} for "no end", or empty for a single key
 */
public record KeyRange(ByteSequence key, ByteSequence rangeEnd) {
  /** The range end that means "no upper bound": one zero byte. */
  public static final ByteSequence NO_END = ByteSequence.from(new byte[] {0});

  public KeyRange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
    if (key.isEmpty()) {
      throw new InvalidArgumentException("key", "key must not be empty");
    }
  }

  /** The single key {@code key}. */
  public static KeyRange single(ByteSequence key) {
    return new KeyRange(key, ByteSequence.EMPTY);
  }

  /**
   * Keys in {@code [key, endKey)}; {@code endKey} = {@code "\0"} means every key {@code >= key}.
   */
  public static KeyRange between(ByteSequence key, ByteSequence endKey) {
    Objects.requireNonNull(endKey, "endKey");
    if (endKey.isEmpty()) {
      throw new InvalidArgumentException(
          "endKey", "endKey must not be empty (use a single-key request, or \"\\0\" for no end)");
    }
    return new KeyRange(key, endKey);
  }

  /** Every key starting with {@code prefix}; an empty prefix means every key. */
  public static KeyRange prefix(ByteSequence prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      return new KeyRange(NO_END, NO_END);
    }
    return new KeyRange(prefix, prefixEnd(prefix));
  }

  /** Every key {@code >= key}; an empty key means every key. */
  public static KeyRange fromKey(ByteSequence key) {
    Objects.requireNonNull(key, "key");
    return new KeyRange(key.isEmpty() ? NO_END : key, NO_END);
  }

  /** Every key in the store. */
  public static KeyRange all() {
    return new KeyRange(NO_END, NO_END);
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}: the prefix with trailing
   * {@code 0xff} bytes dropped and its last byte incremented; {@link #NO_END} when no such key
   * exists (empty or all-{@code 0xff} prefix).
   */
  public static ByteSequence prefixEnd(ByteSequence prefix) {
    byte[] bytes = prefix.unsafeBytes();
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(bytes, i + 1);
        end[i]++;
        return ByteSequence.wrap(end);
      }
    }
    return NO_END;
  }

  /**
   * Checks that at most one of an end key, "prefix" and "from key" selects the range, as every
   * option builder requires; the message names the conflicting pair.
   *
   * @param endKey the end key, or {@code null} when not set
   */
  public static void checkSelection(ByteSequence endKey, boolean prefix, boolean fromKey) {
    if (endKey != null && prefix) {
      throw new InvalidArgumentException(
          "prefix",
          "prefix and endKey are mutually exclusive: prefix selects [key, prefixEnd(key)), endKey"
              + " selects [key, endKey); set one of them");
    }
    if (endKey != null && fromKey) {
      throw new InvalidArgumentException(
          "fromKey",
          "fromKey and endKey are mutually exclusive: fromKey selects every key >= key, endKey"
              + " selects [key, endKey); set one of them");
    }
    if (prefix && fromKey) {
      throw new InvalidArgumentException(
          "fromKey",
          "prefix and fromKey are mutually exclusive: prefix selects [key, prefixEnd(key)),"
              + " fromKey selects every key >= key; set one of them");
    }
    if (endKey != null && endKey.isEmpty()) {
      throw new InvalidArgumentException(
          "endKey",
          "endKey must not be empty (leave it unset for a single key, or use \"\\0\" for no end)");
    }
  }

  /**
   * The range an option selects for {@code key}: a single key, {@code [key, endKey)}, the keys
   * under the prefix {@code key}, or every key {@code >= key}. The selection must have passed
   * {@link #checkSelection}.
   *
   * @param endKey the end key, or {@code null} when not set
   */
  public static KeyRange select(
      ByteSequence key, ByteSequence endKey, boolean prefix, boolean fromKey) {
    Objects.requireNonNull(key, "key");
    if (prefix) {
      return prefix(key);
    }
    if (fromKey) {
      return fromKey(key);
    }
    if (endKey != null) {
      return between(key, endKey);
    }
    return single(key);
  }

  /** Whether this is one key rather than a range. */
  public boolean isSingleKey() {
    return rangeEnd.isEmpty();
  }

  /** Whether the range has no upper bound (range end {@code "\0"}). */
  public boolean isUnbounded() {
    return rangeEnd.equals(NO_END);
  }

  /** Whether {@code candidate} lies in this range, in etcd's unsigned byte order. */
  public boolean contains(ByteSequence candidate) {
    if (isSingleKey()) {
      return key.equals(candidate);
    }
    if (key.equals(NO_END) && isUnbounded()) {
      return true;
    }
    if (candidate.compareTo(key) < 0) {
      return false;
    }
    return isUnbounded() || candidate.compareTo(rangeEnd) < 0;
  }

  @Override
  public String toString() {
    if (isSingleKey()) {
      return "key '" + Keys.printable(key) + "'";
    }
    return "range ['"
        + Keys.printable(key)
        + "', "
        + (isUnbounded() ? "end" : "'" + Keys.printable(rangeEnd) + "'")
        + ")";
  }
}
