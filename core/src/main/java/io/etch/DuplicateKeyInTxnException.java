package io.etch;

import java.util.Objects;

/**
 * A transaction branch writes (puts or deletes) the same key more than once (etcd's {@code
 * ErrDuplicateKey}: "duplicate key given in txn request").
 */
public final class DuplicateKeyInTxnException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence key;

  public DuplicateKeyInTxnException(ByteSequence key) {
    super("key '" + Keys.printable(key) + "' is written more than once in one transaction branch");
    this.key = Objects.requireNonNull(key, "key");
  }

  public ByteSequence key() {
    return key;
  }

  @Override
  public Kind kind() {
    return Kind.DUPLICATE_KEY_IN_TXN;
  }
}
