package io.etch.raft.sim;

import io.etch.raft.ConfState;
import io.etch.raft.Ready;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.RaftStorage;

/**
 * One simulated member's durable Raft storage, as the harness drives it: the read side the core
 * reads ({@link #raftStorage()}), the write side of a {@link Ready} ({@link #persist}), local
 * snapshots with compaction, the two ends of a snapshot transfer, and crashes.
 *
 * <h2>Durability contract</h2>
 *
 * <p>When {@link #persist} returns, what the Ready carried (snapshot, entries, hard state) is
 * durable as far as {@link Ready#mustSync()} demands; {@link #createSnapshot} is durable when it
 * returns. {@link #crash()} models the process (or the machine) dying at that instant and the
 * member being restarted: it returns the storage reopened with exactly what survived. An
 * implementation whose writes are durable at once (the in-memory one) returns itself.
 *
 * <h2>Snapshot transfer</h2>
 *
 * <p>A storage may keep a snapshot's state outside {@link io.etch.raft.Snapshot#data()} (a file,
 * say), so the harness treats a SNAP message like a transport: {@link #shipSnapshot} on the sender
 * when the message leaves (what the transport streams alongside it), {@link #receiveSnapshot} on
 * the receiver before the core steps the message (the transport landing the stream), {@link
 * #discardReceivedSnapshot()} once the core has handled it. {@link #persist} installs a Ready's
 * snapshot from what was received; {@link #snapshotStateMachine()} reads the state machine back.
 *
 * <p>Not thread-safe: the simulation is single-threaded.
 */
public interface SimStorage extends AutoCloseable {
  /** The read SPI the member's {@link io.etch.raft.RawNode} reads. */
  RaftStorage raftStorage();

  /**
   * Persists a Ready in the documented order: its snapshot (from what {@link #receiveSnapshot}
   * landed), entries, hard state; durably when {@link Ready#mustSync()}.
   */
  void persist(Ready rd);

  /**
   * Makes everything persisted so far durable. A commit index is not synced on its own ({@link
   * Ready#mustSync()}), so the harness flushes where forgetting a commit would matter: before a
   * member applies a membership change (else it could restart in the older configuration) and
   * before a removed member is stopped for good. A no-op where every write is durable at once.
   */
  void flush();

  /**
   * The state machine bytes of the current snapshot (what {@link #createSnapshot} was given, or the
   * leader's); empty when there is no snapshot.
   */
  byte[] snapshotStateMachine();

  /**
   * Durably snapshots the state machine ({@code stateMachine}) as of {@code index}, which the
   * member has applied and which is in the log; the implementation may compact behind it by its own
   * policy.
   */
  void createSnapshot(long index, ConfState confState, byte[] stateMachine);

  /**
   * Compacts the log up to {@code compactIndex}, which the current snapshot covers and which is at
   * least {@code raftStorage().firstIndex()}.
   */
  void compact(long compactIndex);

  /**
   * Called on the sender when a SNAP message for {@code md} (the current snapshot) leaves: what the
   * transport streams with it, or null when the message's own data carries everything.
   */
  byte[] shipSnapshot(SnapshotMetadata md);

  /** Called on the receiver before the core steps a SNAP message: lands what was shipped. */
  void receiveSnapshot(SnapshotMetadata md, byte[] shipped);

  /** Called on the receiver once the core handled a SNAP message: drops it if not installed. */
  void discardReceivedSnapshot();

  /**
   * The member crashes now: everything not durable is lost. Returns the storage as reopened on
   * restart; this instance must not be used afterwards (unless it is the one returned).
   */
  SimStorage crash();

  /** Releases resources at the end of a run; nothing is made durable. */
  @Override
  void close();
}
