package io.etch.storage.mvcc;

/** A key (or range end) is longer than the configured limit. */
public final class KeyTooLargeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;
  private final int sizeBytes;
  private final int limitBytes;

  public KeyTooLargeException(byte[] key, int sizeBytes, int limitBytes) {
    super("key of " + sizeBytes + " bytes exceeds the limit of " + limitBytes + " bytes");
    this.key = key;
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }

  public byte[] key() {
    return key;
  }

  public int sizeBytes() {
    return sizeBytes;
  }

  public int limitBytes() {
    return limitBytes;
  }
}
