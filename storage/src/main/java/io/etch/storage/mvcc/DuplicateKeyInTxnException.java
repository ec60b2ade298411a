package io.etch.storage.mvcc;

/** A transaction writes the same key more than once on paths that can both execute. */
public final class DuplicateKeyInTxnException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public DuplicateKeyInTxnException(byte[] key) {
    super("duplicate key given in txn request: " + Keys.printable(key));
    this.key = key;
  }

  public byte[] key() {
    return key;
  }
}
