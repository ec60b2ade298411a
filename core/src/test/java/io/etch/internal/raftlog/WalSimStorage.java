package io.etch.internal.raftlog;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.HardState;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.sim.InvariantViolation;
import io.etch.raft.sim.SimStorage;
import io.etch.raft.storage.RaftStorage;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.StorageFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link SimStorage} on the node's real durable Raft log: a {@link WalRaftStorage} on a {@link
 * FaultInjectingFileSystem} of the member's own.
 *
 * <p>Snapshots travel as the node moves them: the sender ships the bytes of {@link
 * WalRaftStorage#snapshotFile()} when the SNAP message leaves; the receiver lands them in an inbox
 * file (synced) before the core steps the message and installs a Ready's snapshot from that path
 * with {@link WalRaftStorage#persist(Ready, Path)}; the state machine is read back through {@link
 * WalRaftStorage#openSnapshotStateMachine()}.
 *
 * <p>{@link #crash()} closes the log, crashes the file system with a randomly chosen {@link
 * CrashMode} and reopens the log from what survived. It then checks the storage's own durability
 * promise before the simulation's invariants see anything: whatever a sync made durable (the hard
 * state's term, vote and commit; the last entry persisted; an installed snapshot) must be there
 * after the reopen.
 */
final class WalSimStorage implements SimStorage {
  private final long memberId;
  private final Path dir;
  private final SplittableRandom random;
  private final WalSimStorageFactory.Stats stats;
  private final long snapshotCatchUpEntries;
  private final long entryCacheMaxBytes;
  private FaultInjectingFileSystem fs;
  private WalRaftStorage log;

  private Path inbox;
  private SnapshotMetadata inboxMeta;
  private int inboxFiles;

  /** The hard state the last sync made durable. */
  private HardState durableHard = HardState.EMPTY;

  /** The last entry (or installed snapshot) a sync made durable, which the member may vouch for. */
  private long durableLastIndex;

  private long durableLastTerm;

  WalSimStorage(
      long memberId,
      FaultInjectingFileSystem fs,
      SplittableRandom random,
      WalSimStorageFactory.Stats stats) {
    this.memberId = memberId;
    this.dir = Path.of("/member-" + memberId);
    this.fs = fs;
    this.random = random;
    this.stats = stats;
    this.snapshotCatchUpEntries = random.nextInt(12);
    this.entryCacheMaxBytes = random.nextInt(3) * 1024L;
    this.log = WalRaftStorage.open(config());
    this.durableHard = log.hardState();
  }

  private RaftLogConfig config() {
    return RaftLogConfig.builder(dir)
        .fileSystem(fs)
        .segmentSizeBytes(8 * 4096)
        .maxEntryBytes(4096)
        .snapshotCatchUpEntries(snapshotCatchUpEntries)
        .entryCacheMaxBytes(entryCacheMaxBytes)
        .build();
  }

  /** Founds the member from the simulation's bootstrap snapshot (index 1, term 1). */
  void bootstrap(Snapshot initial) {
    SnapshotMetadata md = initial.metadata();
    if (md.index() != 1 || md.term() != 1) {
      throw new IllegalArgumentException(
          "WalRaftStorage bootstraps at index 1, term 1, not " + md.index() + "/" + md.term());
    }
    log.bootstrap(md.confState(), out -> out.write(initial.data()));
    synced();
    durableLastIndex = 1;
    durableLastTerm = 1;
  }

  @Override
  public RaftStorage raftStorage() {
    return log;
  }

  @Override
  public void persist(Ready rd) {
    Snapshot snap = rd.snapshot();
    if (snap != null) {
      if (inbox == null || !inboxMeta.equals(snap.metadata())) {
        throw new IllegalStateException(
            "member "
                + memberId
                + ": Ready carries snapshot "
                + snap.metadata()
                + " but the inbox holds "
                + inboxMeta);
      }
      log.persist(rd, inbox);
      inbox = null;
      inboxMeta = null;
      stats.snapshotsInstalledFromFiles++;
      durableLastIndex = snap.metadata().index();
      durableLastTerm = snap.metadata().term();
    } else {
      log.persist(rd);
    }
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      durableLastIndex = last.index();
      durableLastTerm = last.term();
    }
    if (snap != null || rd.mustSync()) {
      synced();
    }
  }

  private void synced() {
    durableHard = log.hardState();
  }

  @Override
  public void flush() {
    log.sync();
    synced();
  }

  @Override
  public byte[] snapshotStateMachine() {
    try (InputStream in = log.openSnapshotStateMachine()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void createSnapshot(long index, ConfState confState, byte[] stateMachine) {
    log.createSnapshot(index, confState, out -> out.write(stateMachine));
    stats.snapshotsCreated++;
    synced();
  }

  @Override
  public void compact(long compactIndex) {
    log.compact(compactIndex);
  }

  @Override
  public byte[] shipSnapshot(SnapshotMetadata md) {
    if (!log.snapshot().metadata().equals(md)) {
      throw new IllegalStateException(
          "member "
              + memberId
              + " sends snapshot "
              + md
              + " but its storage holds "
              + log.snapshot().metadata());
    }
    Path file = log.snapshotFile();
    try (StorageFile in = fs.openGrowable(file)) {
      byte[] bytes = new byte[(int) in.sizeBytes()];
      in.read(0, new UnsafeBuffer(bytes), 0, bytes.length);
      stats.snapshotsShipped++;
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void receiveSnapshot(SnapshotMetadata md, byte[] shipped) {
    if (shipped == null) {
      throw new IllegalStateException("SNAP message for " + md + " arrived without its file");
    }
    discardReceivedSnapshot();
    Path file = dir.resolve("inbox").resolve("snap-" + (++inboxFiles));
    try {
      fs.createDirectories(file.getParent());
      try (StorageFile out = fs.createGrowable(file)) {
        out.write(0, new UnsafeBuffer(shipped), 0, shipped.length);
        out.sync();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    inbox = file;
    inboxMeta = md;
  }

  @Override
  public void discardReceivedSnapshot() {
    if (inbox != null) {
      fs.delete(inbox);
      inbox = null;
      inboxMeta = null;
    }
  }

  @Override
  public SimStorage crash() {
    log.close();
    CrashMode mode = CrashMode.values()[random.nextInt(CrashMode.values().length)];
    stats.crashes[mode.ordinal()]++;
    fs = fs.crash(mode);
    inbox = null;
    inboxMeta = null;
    log = WalRaftStorage.open(config());
    checkDurable(mode);
    durableHard = log.hardState();
    return this;
  }

  private void checkDurable(CrashMode mode) {
    HardState hs = log.hardState();
    String what = "durability: member " + memberId + " after " + mode + ": ";
    if (hs.term() < durableHard.term()) {
      throw new InvariantViolation(what + "term went back from " + durableHard + " to " + hs);
    }
    if (hs.term() == durableHard.term()
        && durableHard.vote() != 0
        && hs.vote() != durableHard.vote()) {
      throw new InvariantViolation(what + "forgot its vote: " + durableHard + " -> " + hs);
    }
    if (hs.commit() < durableHard.commit()) {
      throw new InvariantViolation(what + "commit went back: " + durableHard + " -> " + hs);
    }
    long snapIndex = log.snapshot().metadata().index();
    if (durableLastIndex > snapIndex
        && (log.lastIndex() < durableLastIndex || log.term(durableLastIndex) != durableLastTerm)) {
      throw new InvariantViolation(
          what
              + "lost the synced entry "
              + durableLastIndex
              + "/"
              + durableLastTerm
              + " (log now ends at "
              + log.lastIndex()
              + ", snapshot at "
              + snapIndex
              + ")");
    }
    if (durableLastIndex <= snapIndex) {
      durableLastIndex = snapIndex;
      durableLastTerm = log.snapshot().metadata().term();
    }
  }

  @Override
  public void close() {
    log.close();
  }
}
