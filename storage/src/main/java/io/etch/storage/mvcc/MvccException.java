package io.etch.storage.mvcc;

/** Base of every operating error the MVCC store reports; one subclass per kind. */
public abstract class MvccException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MvccException(String message) {
    super(message);
  }

  MvccException(String message, Throwable cause) {
    super(message, cause);
  }
}
