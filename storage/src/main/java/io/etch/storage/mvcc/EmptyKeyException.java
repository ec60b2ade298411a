package io.etch.storage.mvcc;

/** A request named an empty key. */
public final class EmptyKeyException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  public EmptyKeyException() {
    super("key is not provided");
  }
}
