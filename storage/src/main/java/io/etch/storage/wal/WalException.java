package io.etch.storage.wal;

/** Base of every error the write-ahead log reports. */
public abstract class WalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected WalException(String message, Throwable cause) {
    super(message, cause);
  }
}
