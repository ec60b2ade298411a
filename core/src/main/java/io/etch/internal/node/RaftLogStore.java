package io.etch.internal.node;

import io.etch.raft.Ready;
import io.etch.raft.storage.RaftStorage;

/**
 * The node's durable Raft log: what {@link io.etch.raft.RawNode} reads through {@link RaftStorage},
 * plus the one write the owner thread makes per {@link Ready}.
 *
 * <p>This seam keeps the owner thread independent of how the log is stored; {@link WalRaftLogStore}
 * is the WAL-backed one the node uses.
 */
public interface RaftLogStore extends RaftStorage, AutoCloseable {
  /**
   * Persists the snapshot, entries and hard state of {@code ready}, syncing once when {@link
   * Ready#mustSync()}; returns when they are durable. Called on the owner thread only, before any
   * of {@link Ready#messagesAfterPersist()} is sent.
   */
  void persist(Ready ready);

  /** Releases files and buffers. Idempotent. */
  @Override
  void close();
}
