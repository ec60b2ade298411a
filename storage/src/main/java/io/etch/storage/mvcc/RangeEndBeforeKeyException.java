package io.etch.storage.mvcc;

/** A range end sorts before its key (and is neither empty nor "\\0"). */
public final class RangeEndBeforeKeyException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;
  private final byte[] rangeEnd;

  public RangeEndBeforeKeyException(byte[] key, byte[] rangeEnd) {
    super("range end " + Keys.printable(rangeEnd) + " is before key " + Keys.printable(key));
    this.key = key;
    this.rangeEnd = rangeEnd;
  }

  public byte[] key() {
    return key;
  }

  public byte[] rangeEnd() {
    return rangeEnd;
  }
}
