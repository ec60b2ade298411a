package io.etch.internal.raftlog;

import io.etch.raft.ConfState;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import io.etch.storage.snap.SnapshotWriter;

/**
 * A snapshot begun by {@link WalRaftStorage#startSnapshot}: its index, the term of the entry there
 * and the membership as of it were fixed on the raft owner thread; its file is written by {@link
 * #writeFile} on one other thread (the node's snapshot writer), so the owner never waits on
 * snapshot I/O; the owner then records it with {@link WalRaftStorage#finishSnapshot} (or drops it
 * with {@link WalRaftStorage#abandonSnapshot} when the write failed).
 *
 * <p>{@link #writeFile} is called once, on one thread; the job is handed between threads through a
 * queue (which orders the write before the owner's read of {@link #written()}).
 */
public final class SnapshotJob {
  private final long index;
  private final long term;
  private final ConfState confState;
  private final SnapshotStore store;
  private final SnapshotPruner pruner;
  private final long recordedIndex;
  private volatile SnapshotMeta written;
  private volatile boolean writing;

  SnapshotJob(
      long index,
      long term,
      ConfState confState,
      SnapshotStore store,
      SnapshotPruner pruner,
      long recordedIndex) {
    this.index = index;
    this.term = term;
    this.confState = confState;
    this.store = store;
    this.pruner = pruner;
    this.recordedIndex = recordedIndex;
  }

  /** The index the snapshot covers (applied, so committed). */
  public long index() {
    return index;
  }

  /** The term of the entry at {@link #index()}. */
  public long term() {
    return term;
  }

  /** The membership as of {@link #index()}. */
  public ConfState confState() {
    return confState;
  }

  /**
   * Writes the snapshot file durably (temporary file, sync, rename, directory sync), streaming the
   * state machine's bytes from {@code stateMachine} after the membership envelope. It first removes
   * snapshot files older than the one recorded when the job started, beyond the retained count
   * (never the recorded one, never a newer one). Any thread, once.
   *
   * @throws io.etch.storage.snap.SnapshotIoException if writing, syncing or renaming failed (the
   *     temporary file is abandoned; the recorded snapshot is untouched)
   * @throws io.etch.storage.snap.SnapshotTooLargeException if the payload exceeds the limit
   * @throws IllegalStateException if called twice
   */
  public void writeFile(SnapshotWriter stateMachine) {
    if (writing) {
      throw new IllegalStateException("snapshot job at " + index + " was written already");
    }
    writing = true;
    pruner.prune(recordedIndex);
    written =
        store.write(
            index,
            term,
            out -> {
              SnapshotEnvelope.write(confState, out);
              stateMachine.writeTo(out);
            });
  }

  /** The file written, or null before {@link #writeFile} returned. */
  SnapshotMeta written() {
    return written;
  }

  @Override
  public String toString() {
    return "SnapshotJob{index=" + index + ", term=" + term + ", written=" + (written != null) + "}";
  }
}
