package io.etch.storage.mvcc;

/** A put asked for ignoreValue but also carried a value. */
public final class ValueProvidedException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public ValueProvidedException(byte[] key) {
    super("value is provided together with ignoreValue for key " + Keys.printable(key));
    this.key = key;
  }

  public byte[] key() {
    return key;
  }
}
