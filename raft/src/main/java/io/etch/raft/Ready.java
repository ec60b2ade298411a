package io.etch.raft;

import io.etch.raft.read.ReadState;
import java.util.List;

/**
 * A batch of work the core hands to the node: state to persist, messages to send, entries to apply.
 * Obtained from {@link RawNode#ready()} and acknowledged with {@link RawNode#advance}.
 *
 * <h2>Durability order (the node MUST follow it)</h2>
 *
 * <ol>
 *   <li>Send {@link #messagesBeforePersist()} — at any time, even before or during step 2. These
 *       are the leader's appends, heartbeats and snapshots: the leader counts itself toward a
 *       commit only once its own copy is durable (step 5), so replicating before the local fsync
 *       overlaps the two without risk.
 *   <li>Persist, atomically and durably (fsync when {@link #mustSync()}): {@link #snapshot()} if
 *       present, then {@link #entries()} (truncating any conflicting suffix), then {@link
 *       #hardState()} if present.
 *   <li>Only then send {@link #messagesAfterPersist()}: votes, append/heartbeat responses and
 *       anything else that promises persisted state. Sending one before step 2 and crashing lets a
 *       member vote twice in a term or acknowledge an entry it then loses, which breaks election
 *       safety and can un-commit an entry (the simulation demonstrates both).
 *   <li>Apply {@link #committedEntries()} in order (install {@link #snapshot()} first if present);
 *       membership entries go through {@link RawNode#applyConfChange}. Serve {@link #readStates()}
 *       once the applied index reaches their index. Committed entries that were all durable in this
 *       member's log before this Ready (none of them among {@link #entries()}), with no snapshot to
 *       install and no membership change among them, may be handed to the state machine earlier, in
 *       parallel with step 2, as etcd's server does: they are durable on a quorum and locally, so a
 *       crash during the persist cannot take them back.
 *   <li>Call {@link RawNode#advance(Ready)} with this very object.
 * </ol>
 *
 * <p>A new {@code Ready} can be obtained only after {@code advance}. Lists are immutable snapshots.
 */
public final class Ready {
  private final SoftState softState;
  private final HardState hardState;
  private final List<Entry> entries;
  private final Snapshot snapshot;
  private final List<Entry> committedEntries;
  private final List<ReadState> readStates;
  private final List<Message> messagesBeforePersist;
  private final List<Message> messagesAfterPersist;
  private final boolean mustSync;

  Ready(
      SoftState softState,
      HardState hardState,
      List<Entry> entries,
      Snapshot snapshot,
      List<Entry> committedEntries,
      List<ReadState> readStates,
      List<Message> messagesBeforePersist,
      List<Message> messagesAfterPersist,
      boolean mustSync) {
    this.softState = softState;
    this.hardState = hardState;
    this.entries = entries;
    this.snapshot = snapshot;
    this.committedEntries = committedEntries;
    this.readStates = readStates;
    this.messagesBeforePersist = messagesBeforePersist;
    this.messagesAfterPersist = messagesAfterPersist;
    this.mustSync = mustSync;
  }

  /** The leader and role, or null when unchanged since the previous Ready. */
  public SoftState softState() {
    return softState;
  }

  /** The hard state to persist, or null when unchanged. */
  public HardState hardState() {
    return hardState;
  }

  /** Entries to append to durable storage (after truncating conflicts). */
  public List<Entry> entries() {
    return entries;
  }

  /** A snapshot to persist and install, or null. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Committed entries to apply to the state machine, in order. */
  public List<Entry> committedEntries() {
    return committedEntries;
  }

  /** Confirmed read-index requests: serve each once applied >= its index. */
  public List<ReadState> readStates() {
    return readStates;
  }

  /** Messages that may be sent before persisting (leader replication traffic). */
  public List<Message> messagesBeforePersist() {
    return messagesBeforePersist;
  }

  /** Messages that must wait until entries, hard state and snapshot are durable. */
  public List<Message> messagesAfterPersist() {
    return messagesAfterPersist;
  }

  /**
   * Whether the write of step 2 must be fsynced: the term, the vote or the entries changed, or
   * {@link #committedEntries()} holds a membership change (which may be applied only once the
   * commit covering it is durable).
   */
  public boolean mustSync() {
    return mustSync;
  }

  @Override
  public String toString() {
    return "Ready{soft="
        + softState
        + " hard="
        + hardState
        + " entries="
        + entries.size()
        + " snap="
        + snapshot
        + " committed="
        + committedEntries.size()
        + " reads="
        + readStates.size()
        + " msgsBefore="
        + messagesBeforePersist.size()
        + " msgsAfter="
        + messagesAfterPersist.size()
        + "}";
  }
}
