package io.etch.storage.mvcc;

/** A request the store rejects before touching any state; one subclass per problem. */
public abstract class InvalidArgumentException extends MvccException {
  private static final long serialVersionUID = 1L;

  InvalidArgumentException(String message) {
    super(message);
  }
}
