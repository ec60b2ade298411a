package io.etch.storage.mvcc;

/** A snapshot stream is truncated, malformed or fails its checksum. */
public final class SnapshotCorruptException extends MvccException {
  private static final long serialVersionUID = 1L;

  public SnapshotCorruptException(String message) {
    super("corrupt MVCC snapshot: " + message);
  }

  public SnapshotCorruptException(String message, Throwable cause) {
    super("corrupt MVCC snapshot: " + message, cause);
  }
}
