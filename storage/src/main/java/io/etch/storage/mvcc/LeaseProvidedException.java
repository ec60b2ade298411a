package io.etch.storage.mvcc;

/** A put asked for ignoreLease but also carried a lease. */
public final class LeaseProvidedException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public LeaseProvidedException(byte[] key) {
    super("lease is provided together with ignoreLease for key " + Keys.printable(key));
    this.key = key;
  }

  public byte[] key() {
    return key;
  }
}
