package io.etch.raft.sim;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.read.ReadState;
import io.etch.raft.storage.RaftStorage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One simulated member: durable storage (survives crashes) plus volatile state (the {@link
 * RawNode}, the state machine) that a crash discards.
 *
 * <p>The state machine is a hash chain over applied entries; its snapshot is (index, hash), so two
 * members that applied different histories disagree on the hash at some index, which {@link
 * Invariants} catches.
 */
final class SimNode {
  final long id;

  /** Replaced by what survived on every crash. */
  SimStorage storage;

  private final RaftConfig.Builder configTemplate;
  private final SplittableRandom random;
  RawNode raw;
  boolean alive;

  /** Permanently stopped (removed from the cluster and told so). */
  boolean killed;

  ConfState confState;
  long smIndex;
  long smHash;

  private final java.util.function.BiConsumer<SimNode, Long> onRemoval;

  SimNode(
      long id,
      SimStorage storage,
      RaftConfig.Builder configTemplate,
      SplittableRandom r,
      java.util.function.BiConsumer<SimNode, Long> onRemoval) {
    this.id = id;
    this.onRemoval = onRemoval;
    this.storage = storage;
    this.configTemplate = configTemplate;
    this.random = r;
    start();
  }

  /** (Re)starts from durable storage: the state machine is rebuilt from the snapshot. */
  void start() {
    RaftStorage log = storage.raftStorage();
    confState = log.initialState().confState();
    restoreStateMachine(log.snapshot());
    raw = new RawNode(configTemplate.appliedIndex(smIndex).random(random.split()).build(), log);
    alive = true;
  }

  /** The durable part of the storage as of now. */
  RaftStorage log() {
    return storage.raftStorage();
  }

  /** Loses the volatile state and whatever the storage had not made durable. */
  void crash() {
    raw = null;
    if (alive) {
      storage = storage.crash();
    }
    alive = false;
  }

  /** Restores the state machine from the storage's current snapshot (whose metadata is given). */
  private void restoreStateMachine(Snapshot snap) {
    if (snap.isEmpty()) {
      smIndex = 0;
      smHash = 0;
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(storage.snapshotStateMachine());
    smIndex = b.getLong();
    smHash = b.getLong();
    if (smIndex != snap.metadata().index()) {
      throw new InvariantViolation(
          "snapshot data index " + smIndex + " != metadata index " + snap.metadata().index());
    }
  }

  byte[] stateMachineSnapshot() {
    return ByteBuffer.allocate(16).putLong(smIndex).putLong(smHash).array();
  }

  static long entryHash(Entry e) {
    long h = e.term() * 0x9E3779B97F4A7C15L + e.type().code();
    byte[] d = e.data();
    for (byte x : d) {
      h = (h ^ x) * 0x100000001B3L;
    }
    return h;
  }

  /** The phases of handling one Ready, so a crash can strike between them. */
  enum CrashPoint {
    NONE,
    AFTER_EARLY_SEND,
    AFTER_PERSIST
  }

  /**
   * Handles every pending Ready in the documented order (or the broken order in unsafe mode).
   * Returns false if the node crashed on the way.
   */
  boolean drainReady(
      Consumer<Message> network, Invariants inv, boolean unsafe, CrashPoint crashAt) {
    while (alive && raw.hasReady()) {
      Ready rd = raw.ready();
      if (rd.softState() != null) {
        inv.onSoftState(this, rd.softState());
      }
      // 1. messages allowed before persistence
      rd.messagesBeforePersist().forEach(network);
      if (unsafe) {
        // BROKEN ORDER on purpose: promises leave before the state they promise is durable
        rd.messagesAfterPersist().forEach(network);
      }
      if (crashAt == CrashPoint.AFTER_EARLY_SEND) {
        crash();
        return false;
      }
      // 2. persist
      storage.persist(rd);
      if (!rd.entries().isEmpty()) {
        inv.onPersisted(this, rd.entries());
      }
      if (crashAt == CrashPoint.AFTER_PERSIST) {
        crash();
        return false;
      }
      // 3. messages that needed persistence
      if (!unsafe) {
        rd.messagesAfterPersist().forEach(network);
      }
      // 4. apply; a membership change only once the commit covering it is durable: a member that
      // forgot it in a crash would restart in the older configuration, where it may be a quorum
      // on its own while the others already count on it (found by the WAL simulation, seed 30992)
      if (hasConfChange(rd.committedEntries())) {
        storage.flush();
      }
      if (rd.snapshot() != null) {
        restoreStateMachine(rd.snapshot());
        confState = rd.snapshot().metadata().confState();
        inv.snapshotsInstalled++;
        inv.onApplied(this, smIndex, smHash);
      }
      for (Entry e : rd.committedEntries()) {
        apply(e, inv);
      }
      for (ReadState rs : rd.readStates()) {
        inv.onReadState(this, rs);
      }
      // 5. advance
      raw.advance(rd);
      inv.afterReady(this);
    }
    return alive;
  }

  private static boolean hasConfChange(List<Entry> entries) {
    for (Entry e : entries) {
      if (e.type() == EntryType.CONF_CHANGE) {
        return true;
      }
    }
    return false;
  }

  private void apply(Entry e, Invariants inv) {
    if (e.index() != smIndex + 1) {
      throw new InvariantViolation(
          "member " + id + " applies index " + e.index() + " after " + smIndex + " (gap)");
    }
    if (e.type() == EntryType.CONF_CHANGE) {
      ConfChange cc = ConfChangeCodec.decode(e.data());
      confState = raw.applyConfChange(cc);
      inv.onConfApplied(this, cc, confState);
      if (cc.type() == io.etch.raft.conf.ConfChangeType.REMOVE_NODE) {
        onRemoval.accept(this, cc.nodeId());
      }
    }
    smIndex = e.index();
    smHash = smHash * 31 + entryHash(e) + e.index();
    inv.onApplied(this, smIndex, smHash);
  }

  /** Takes a snapshot at the applied index and compacts the log behind it, keeping a tail. */
  void compact(int keep) {
    RaftStorage log = log();
    if (!alive || smIndex <= log.firstIndex() || smIndex > log.lastIndex()) {
      return;
    }
    if (smIndex > log.snapshot().metadata().index()) {
      storage.createSnapshot(smIndex, confState, stateMachineSnapshot());
    }
    long compactTo = smIndex - keep;
    if (compactTo >= log.firstIndex()) {
      storage.compact(compactTo);
    }
  }

  List<Long> voterIds() {
    return java.util.Arrays.stream(confState.voters()).boxed().toList();
  }
}
