package io.etch.storage.mvcc;

/** A value is longer than the configured limit. */
public final class ValueTooLargeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;
  private final int sizeBytes;
  private final int limitBytes;

  public ValueTooLargeException(byte[] key, int sizeBytes, int limitBytes) {
    super(
        "value of "
            + sizeBytes
            + " bytes for key "
            + Keys.printable(key)
            + " exceeds the limit of "
            + limitBytes
            + " bytes");
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
