package io.etch;

import java.util.Objects;

/**
 * A put with {@code ignoreValue} or {@code ignoreLease} named a key that does not exist, so there
 * is no current value or lease to keep (etcd's {@code ErrKeyNotFound}).
 */
public final class KeyNotFoundException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final ByteSequence key;

  public KeyNotFoundException(ByteSequence key) {
    super("key '" + Keys.printable(key) + "' not found");
    this.key = Objects.requireNonNull(key, "key");
  }

  public ByteSequence key() {
    return key;
  }

  @Override
  public Kind kind() {
    return Kind.KEY_NOT_FOUND;
  }
}
