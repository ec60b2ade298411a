package io.etch.storage.wal;

/**
 * The log has failed for writes: a sync, create, rename, delete or write of a segment failed. The
 * log never retries (after a failed fsync the kernel may already have dropped the dirty pages, so a
 * retry that "succeeds" would be a lie); every later write throws this again with the original
 * cause. Reopen the log to recover what was durable.
 */
public final class WalFailedException extends WalException {
  private static final long serialVersionUID = 1L;

  public WalFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
