package io.etch.transport;

/** A streamed snapshot that did not reach the peer intact. */
public final class SnapshotTransferException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final long memberId;

  public SnapshotTransferException(long memberId, String message) {
    super("snapshot to member " + memberId + ": " + message);
    this.memberId = memberId;
  }

  public SnapshotTransferException(long memberId, String message, Throwable cause) {
    super("snapshot to member " + memberId + ": " + message, cause);
    this.memberId = memberId;
  }

  public long memberId() {
    return memberId;
  }
}
