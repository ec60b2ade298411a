package io.etch.storage.wal;

/** What {@link WriteAheadLog#sync()} does. */
public enum SyncPolicy {
  /** Every {@code sync()} forces the dirty segments to stable storage (the default). */
  EVERY_BATCH,
  /**
   * Nothing is ever forced: a power loss may lose anything. For tests only; opening a log with this
   * policy logs a warning.
   */
  NEVER
}
