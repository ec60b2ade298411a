package io.etch.storage.snap;

import java.io.IOException;
import java.io.OutputStream;

/** Streams a snapshot's payload; {@link SnapshotStore} frames, checksums and syncs it. */
@FunctionalInterface
public interface SnapshotWriter {
  /** Writes the whole payload to {@code out}; do not close it. */
  void writeTo(OutputStream out) throws IOException;
}
