package io.etch.raft;

import java.util.Objects;

/**
 * A state-machine snapshot as Raft sees it: metadata plus an opaque payload.
 *
 * <p>The payload is whatever the node chose to put there; for a large state the node keeps the real
 * bytes in a file and the payload only names it, and the transport streams the file alongside the
 * {@link MessageType#SNAP} message. The array is shared, never copied: do not modify it.
 */
public final class Snapshot {
  public static final Snapshot EMPTY = new Snapshot(SnapshotMetadata.EMPTY, new byte[0]);

  private final SnapshotMetadata metadata;
  private final byte[] data;

  public Snapshot(SnapshotMetadata metadata, byte[] data) {
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.data = data == null ? new byte[0] : data;
  }

  public SnapshotMetadata metadata() {
    return metadata;
  }

  public byte[] data() {
    return data;
  }

  public boolean isEmpty() {
    return metadata.isEmpty();
  }

  @Override
  public String toString() {
    return "Snapshot{i" + metadata.index() + " t" + metadata.term() + " " + data.length + "B}";
  }
}
