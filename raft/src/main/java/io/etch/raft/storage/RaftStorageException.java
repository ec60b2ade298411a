package io.etch.raft.storage;

/** Base of the typed errors a {@link RaftStorage} raises for indices it cannot serve. */
public abstract class RaftStorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected RaftStorageException(String message) {
    super(message, null, false, false);
  }
}
