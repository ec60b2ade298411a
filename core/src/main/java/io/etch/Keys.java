package io.etch;

/** Renders keys for error messages: printable ASCII as is, anything else as hex, bounded. */
final class Keys {
  private static final int MAX_PRINTED_BYTES = 64;

  private Keys() {}

  static String printable(ByteSequence key) {
    byte[] bytes = key.unsafeBytes();
    int shown = Math.min(bytes.length, MAX_PRINTED_BYTES);
    boolean ascii = true;
    for (int i = 0; i < shown; i++) {
      if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
        ascii = false;
        break;
      }
    }
    StringBuilder out = new StringBuilder(shown * 2 + 16);
    if (ascii) {
      for (int i = 0; i < shown; i++) {
        out.append((char) bytes[i]);
      }
    } else {
      out.append("0x");
      for (int i = 0; i < shown; i++) {
        out.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(bytes[i] & 0xf, 16));
      }
    }
    if (bytes.length > shown) {
      out.append("…(").append(bytes.length).append(" bytes)");
    }
    return out.toString();
  }
}
