package io.etch.storage.mvcc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** etcd's key-range conventions and helpers on byte-string keys. */
public final class Keys {
  private Keys() {}

  /** A fresh {@code "\0"}: as a range end it means "every key >= key". */
  public static byte[] unboundedEnd() {
    return new byte[] {0};
  }

  /**
   * The range end selecting every key with {@code prefix} as prefix: the prefix with its last byte
   * below 0xff incremented and the rest dropped; {@code "\0"} (all keys) when every byte is 0xff.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return unboundedEnd();
  }

  /** True when {@code rangeEnd} names a single key (null or empty). */
  static boolean isSingleKey(byte[] rangeEnd) {
    return rangeEnd == null || rangeEnd.length == 0;
  }

  /** True when {@code rangeEnd} is {@code "\0"}: unbounded above. */
  static boolean isUnbounded(byte[] rangeEnd) {
    return rangeEnd != null && rangeEnd.length == 1 && rangeEnd[0] == 0;
  }

  /** Whether {@code k} lies in the etcd range {@code [key, rangeEnd)}. */
  static boolean inRange(byte[] k, byte[] key, byte[] rangeEnd) {
    if (isSingleKey(rangeEnd)) {
      return Arrays.equals(k, key);
    }
    if (Arrays.compareUnsigned(k, key) < 0) {
      return false;
    }
    return isUnbounded(rangeEnd) || Arrays.compareUnsigned(k, rangeEnd) < 0;
  }

  /** Whether {@code k} is at or past the exclusive end of a (non-single) range. */
  static boolean pastEnd(byte[] k, byte[] rangeEnd) {
    return !isUnbounded(rangeEnd) && Arrays.compareUnsigned(k, rangeEnd) >= 0;
  }

  /** Keys as text for messages: UTF-8 when printable ASCII, else hex. */
  static String printable(byte[] b) {
    if (b == null) {
      return "null";
    }
    boolean ascii = true;
    for (byte x : b) {
      if (x < 0x20 || x > 0x7e) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return "\"" + new String(b, StandardCharsets.US_ASCII) + "\"";
    }
    StringBuilder sb = new StringBuilder("0x");
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }
}
