package io.etch.internal.node;

import io.etch.internal.raftlog.SnapshotJob;
import io.etch.raft.ConfState;
import io.etch.storage.mvcc.MvccView;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local snapshots, taken without the raft owner thread ever waiting on snapshot I/O.
 *
 * <h2>Design</h2>
 *
 * A snapshot used to be written on the owner thread: streaming the whole store (its uncompacted
 * history included) and syncing the file took tens of milliseconds, during which the member neither
 * persisted, replicated nor answered heartbeats. Now it goes in three steps:
 *
 * <ol>
 *   <li>Owner thread, {@link #take}: the applier's request (an immutable {@link MvccView} at the
 *       applied index and the dedup/alarm bytes) becomes a {@link SnapshotJob} (index, term,
 *       membership fixed; no I/O) handed to the node's {@link SnapshotThread}.
 *   <li>Snapshot thread: streams the view into the snapshot file, syncs it, renames it, syncs the
 *       directory; then hands the job back to the owner through its inbound queue.
 *   <li>Owner thread, {@link #written}: records the WAL snapshot marker (synced), after which the
 *       core sees the new snapshot, and compacts the log behind it.
 * </ol>
 *
 * A crash before step 3's marker is durable leaves a file the WAL never recorded, which recovery
 * deletes: the previous snapshot is still recorded and still on disk.
 *
 * <h2>Limits</h2>
 *
 * At most one snapshot is in flight: a request that arrives meanwhile is dropped, and {@link
 * NodeState#snapshotInFlight} tells the applier not to ask (so it does not serialize its dedup
 * table for nothing) until this one is recorded. A leader's snapshot installed while a job is in
 * flight supersedes it; the job is then dropped when it comes back.
 *
 * <p>Owner thread only, except the task run on the snapshot thread.
 */
final class Snapshots {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  private static final long INBOX_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(1);

  /** The written job, back on the owner thread. */
  record Written(Snapshots target, SnapshotJob job, RuntimeException error)
      implements RaftOwner.Command {
    @Override
    public void execute(RaftOwner owner) {
      target.written(job, error);
    }
  }

  private final String memberName;
  private final RaftLogStore log;
  private final SnapshotThread thread;
  private final NodeState state;
  private final Predicate<RaftOwner.Command> toOwner;
  private final LongSupplier nanoClock;
  private SnapshotJob inFlight;
  private long startedNs;

  Snapshots(
      String memberName,
      RaftLogStore log,
      SnapshotThread thread,
      NodeState state,
      Predicate<RaftOwner.Command> toOwner,
      LongSupplier nanoClock) {
    this.memberName = memberName;
    this.nanoClock = nanoClock;
    this.log = log;
    this.thread = thread;
    this.state = state;
    this.toOwner = toOwner;
  }

  /**
   * Owner thread: starts a snapshot of {@code view} (the store as of {@code index}) with {@code
   * extra} beside it, unless one is in flight or the log's snapshot is already as new.
   */
  void take(long index, ConfState confState, MvccView view, byte[] extra) {
    if (inFlight != null) {
      LOG.debug("member {}: snapshot at {} skipped, {} in flight", memberName, index, inFlight);
      return;
    }
    if (index <= log.snapshot().metadata().index()) {
      return;
    }
    SnapshotJob job = log.startSnapshot(index, confState);
    if (!thread.submit(() -> write(job, view, extra))) {
      log.abandonSnapshot(job);
      return;
    }
    inFlight = job;
    startedNs = nanoClock.getAsLong();
    state.snapshotInFlight = true;
  }

  /** Snapshot thread: writes the file, then hands the job back to the owner thread. */
  private void write(SnapshotJob job, MvccView view, byte[] extra) {
    RuntimeException error = null;
    try {
      job.writeFile(out -> view.writeSnapshot(out, job.index(), extra));
    } catch (RuntimeException e) {
      error = e;
    }
    Written done = new Written(this, job, error);
    while (!toOwner.test(done)) {
      if (thread.closing()) {
        return; // the owner has stopped: the unrecorded file is removed at the next start
      }
      LockSupport.parkNanos(INBOX_RETRY_NS);
    }
  }

  /** Owner thread: records the written snapshot (or drops a failed one). */
  void written(SnapshotJob job, RuntimeException error) {
    inFlight = null;
    try {
      if (error != null) {
        log.abandonSnapshot(job);
        LOG.warn(
            "member {}: snapshot at index {} failed; the previous one stays in force",
            memberName,
            job.index(),
            error);
      } else {
        log.finishSnapshot(job)
            .ifPresent(
                md ->
                    state.metrics.snapshotSaved(
                        md.index(), nanoClock.getAsLong() - startedNs, log.snapshotFile()));
      }
    } finally {
      state.snapshotInFlight = false;
    }
  }
}
