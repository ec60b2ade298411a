package io.etch.storage.mvcc;

/** A put with ignoreValue or ignoreLease named a key that does not exist. */
public final class KeyNotFoundException extends MvccException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public KeyNotFoundException(byte[] key) {
    super("key not found: " + Keys.printable(key));
    this.key = key;
  }

  public byte[] key() {
    return key;
  }
}
