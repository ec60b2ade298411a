package io.etch.raft.storage;

/** The storage is producing a snapshot and cannot hand one out yet; Raft retries later. */
public final class SnapshotTemporarilyUnavailableException extends RaftStorageException {
  private static final long serialVersionUID = 1L;

  public SnapshotTemporarilyUnavailableException() {
    super("snapshot is temporarily unavailable");
  }
}
