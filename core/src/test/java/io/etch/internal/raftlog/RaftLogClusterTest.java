package io.etch.internal.raftlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.HardState;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.ProposalDroppedException;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.raft.Ready;
import io.etch.raft.SnapshotStatus;
import io.etch.raft.StateRole;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.StorageFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Three raft cores ({@link RawNode}) persisting into {@link WalRaftStorage}, driven in the order
 * {@link Ready} documents, through a seeded lossy, reordering network, with elections, proposals,
 * crashes at every point of a Ready (losing unsynced writes, tearing sectors), restarts from disk,
 * snapshots with log compaction, and snapshot installs streamed as files (leader's snapshot file
 * copied into the follower's inbox, as the transport does).
 *
 * <p>Written before the raft module's simulation took pluggable storage; {@link
 * WalRaftStorageSimulationTest} now runs that full simulation on this storage. This smaller cluster
 * stays as a quick check that also runs once on real mapped files. Checked after every step and at
 * the end:
 *
 * <ul>
 *   <li>state machine safety: every member applies the same entry at each index, and the same
 *       state-machine hash chain (restored from snapshots too);
 *   <li>durability across restarts: a restarted member's term never goes back, its vote in the same
 *       term is the one it persisted, and the last entry it synced (and so may have acknowledged)
 *       is still in its log or covered by its snapshot;
 *   <li>liveness: after healing, a leader commits a new proposal and every member applies it, with
 *       equal state.
 * </ul>
 *
 * Replay: {@code ./mvnw -B -pl core test -Dtest=RaftLogClusterTest -Detch.raftlog.seed=N}.
 */
class RaftLogClusterTest {
  private static final ConfState MEMBERS = ConfState.of(new long[] {1, 2, 3}, new long[0]);
  private static final int ELECTION_TICKS = 10;

  @Test
  void clusterOnFaultInjectedDisksKeepsCommittedEntries() {
    runSeeds(Integer.getInteger("etch.raftlog.seeds", 12), 3000, null);
  }

  @Test
  void clusterOnRealFilesKeepsCommittedEntries(@TempDir Path tmp) {
    runSeeds(1, 1500, tmp);
  }

  @Tag("soak")
  @Test
  void clusterSoak() {
    runSeeds(500, 10_000, null);
  }

  private static void runSeeds(int seeds, int steps, Path realDir) {
    Long only = Long.getLong("etch.raftlog.seed");
    long first = Long.getLong("etch.raftlog.firstSeed", 1);
    long from = only != null ? only : first;
    long to = only != null ? only + 1 : first + seeds;
    long[] totals = new long[4];
    for (long seed = from; seed < to; seed++) {
      Path dir = realDir == null ? null : realDir.resolve("seed-" + seed);
      try {
        Cluster c = new Cluster(seed, dir);
        c.run(steps);
        totals[0] += c.maxApplied();
        totals[1] += c.snapshotsInstalled;
        totals[2] += c.restarts;
        totals[3] += c.compactions;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "seed "
                + seed
                + " failed: "
                + e
                + "\n  replay with: ./mvnw -B -pl core test -Dtest=RaftLogClusterTest"
                + " -Detch.raftlog.seed="
                + seed,
            e);
      }
    }
    LoggerFactory.getLogger(RaftLogClusterTest.class)
        .info(
            "seeds [{}, {}): applied {} entries (max member, summed), {} snapshots installed,"
                + " {} restarts, {} local snapshots with compaction",
            from,
            to,
            totals[0],
            totals[1],
            totals[2],
            totals[3]);
    // the runs must have exercised what they claim to
    assertTrue(totals[0] > 50L * (to - from), "too few entries applied: " + totals[0]);
    assertTrue(totals[2] > 0, "no restarts");
    assertTrue(totals[3] > 0, "no compactions");
    if (to - from >= 5) {
      assertTrue(totals[1] > 0, "no snapshot installed");
    }
  }

  private static long entryHash(Entry e) {
    long h = e.term() * 0x9E3779B97F4A7C15L + e.type().code();
    for (byte b : e.data()) {
      h = (h ^ b) * 0x100000001B3L;
    }
    return h;
  }

  /** One member: its disk survives crashes; everything else is volatile. */
  private static final class Member {
    final long id;
    final Path dir;
    StorageFileSystem fs;
    WalRaftStorage storage;
    RawNode raw;
    boolean alive;
    long smIndex;
    long smHash;
    Path inbox;
    Message inboxSnap;
    HardState persistedHard = HardState.EMPTY;
    long syncedLastIndex;
    long syncedLastTerm;

    Member(long id, Path dir, StorageFileSystem fs) {
      this.id = id;
      this.dir = dir;
      this.fs = fs;
    }
  }

  private static final class Cluster {
    private final SplittableRandom r;
    private final boolean realFiles;
    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final List<Message> network = new ArrayList<>();
    private final Map<Long, Long> appliedAt = new HashMap<>();
    private final Map<Long, Long> chainAt = new HashMap<>();
    private int dropPercent;
    private long proposals;
    private long snapshotsInstalled;
    private long restarts;
    private long compactions;
    private int inboxFiles;

    long maxApplied() {
      return members.values().stream().mapToLong(m -> m.smIndex).max().orElse(0);
    }

    Cluster(long seed, Path realDir) {
      r = new SplittableRandom(seed);
      realFiles = realDir != null;
      dropPercent = r.nextInt(15);
      for (long id = 1; id <= 3; id++) {
        StorageFileSystem fs =
            realFiles ? new MappedFileSystem() : new FaultInjectingFileSystem(r.nextLong());
        Path dir = realFiles ? realDir.resolve("m" + id) : Path.of("/m" + id);
        Member m = new Member(id, dir, fs);
        members.put(id, m);
        m.storage = WalRaftStorage.open(config(m));
        m.storage.bootstrap(MEMBERS, out -> out.write(state(1, 0)));
        m.storage.close();
        start(m);
      }
    }

    private RaftLogConfig config(Member m) {
      return RaftLogConfig.builder(m.dir)
          .fileSystem(m.fs)
          .segmentSizeBytes(8 * 4096)
          .maxEntryBytes(4096)
          .snapshotCatchUpEntries(r.nextInt(12))
          .entryCacheMaxBytes(r.nextInt(3) * 1024L)
          .build();
    }

    private static byte[] state(long index, long hash) {
      return ByteBuffer.allocate(16).putLong(index).putLong(hash).array();
    }

    private void start(Member m) {
      m.storage = WalRaftStorage.open(config(m));
      RestartState rs = m.storage.restartState();
      try (InputStream in = m.storage.openSnapshotStateMachine()) {
        ByteBuffer b = ByteBuffer.wrap(in.readAllBytes());
        m.smIndex = b.getLong();
        m.smHash = b.getLong();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertEquals(rs.appliedIndex(), m.smIndex, "restored state machine index");
      checkChain(m);
      HardState hs = rs.initialState().hardState();
      assertTrue(
          hs.term() >= m.persistedHard.term(),
          "member " + m.id + " term went back from " + m.persistedHard + " to " + hs);
      if (hs.term() == m.persistedHard.term() && m.persistedHard.vote() != 0) {
        assertEquals(m.persistedHard.vote(), hs.vote(), "member " + m.id + " forgot its vote");
      }
      if (m.syncedLastIndex > rs.appliedIndex()) {
        assertTrue(
            m.storage.lastIndex() >= m.syncedLastIndex
                && m.storage.term(m.syncedLastIndex) == m.syncedLastTerm,
            "member " + m.id + " lost synced entry " + m.syncedLastIndex + "/" + m.syncedLastTerm);
      }
      m.raw =
          new RawNode(
              RaftConfig.builder(m.id)
                  .electionTimeoutTicks(ELECTION_TICKS)
                  .heartbeatIntervalTicks(1)
                  .preVote(true)
                  .checkQuorum(r.nextBoolean())
                  .maxSizePerMsgBytes(512)
                  .maxInflightMsgs(4)
                  .appliedIndex(rs.appliedIndex())
                  .random(r.split())
                  .build(),
              m.storage);
      m.alive = true;
    }

    private void crash(Member m) {
      m.raw = null;
      m.alive = false;
      m.storage.close();
      if (m.fs instanceof FaultInjectingFileSystem f) {
        m.fs = f.crash(CrashMode.values()[r.nextInt(CrashMode.values().length)]);
      }
      m.inboxSnap = null;
    }

    void run(int steps) {
      try {
        for (int step = 0; step < steps; step++) {
          int dice = r.nextInt(100);
          if (dice < 45) {
            deliverOne();
          } else if (dice < 68) {
            tick();
          } else if (dice < 80) {
            propose();
          } else if (dice < 82) {
            Member m = pickAlive();
            if (m != null) {
              crash(m);
            }
          } else if (dice < 84) {
            crashMidReady();
          } else if (dice < 90) {
            restartOne();
          } else if (dice < 94) {
            snapshot();
          } else {
            deliverOne();
          }
        }
        liveness();
      } finally {
        for (Member m : members.values()) {
          if (m.alive) {
            m.storage.close();
          }
        }
      }
    }

    private Member pickAlive() {
      List<Member> up = new ArrayList<>();
      members.values().stream().filter(m -> m.alive).forEach(up::add);
      return up.isEmpty() ? null : up.get(r.nextInt(up.size()));
    }

    private void restartOne() {
      List<Member> down = new ArrayList<>();
      members.values().stream().filter(m -> !m.alive).forEach(down::add);
      if (!down.isEmpty()) {
        start(down.get(r.nextInt(down.size())));
        restarts++;
      }
    }

    private void tick() {
      for (Member m : members.values()) {
        if (m.alive) {
          m.raw.tick();
          drain(m, Crash.NONE);
        }
      }
    }

    private void propose() {
      Member target = leader();
      if (target == null || r.nextInt(5) == 0) {
        target = pickAlive();
      }
      if (target == null) {
        return;
      }
      List<byte[]> batch = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
        byte[] data = new byte[8 + r.nextInt(200)];
        r.nextBytes(data);
        ByteBuffer.wrap(data).putLong(++proposals);
        batch.add(data);
      }
      try {
        target.raw.propose(batch);
      } catch (ProposalDroppedException e) {
        return;
      }
      drain(target, Crash.NONE);
    }

    private void crashMidReady() {
      Member m = pickAlive();
      if (m != null && m.raw.hasReady()) {
        drain(m, r.nextBoolean() ? Crash.AFTER_EARLY_SEND : Crash.AFTER_PERSIST);
      }
    }

    private Member leader() {
      Member best = null;
      for (Member m : members.values()) {
        if (m.alive
            && m.raw.role() == StateRole.LEADER
            && (best == null || m.raw.term() > best.raw.term())) {
          best = m;
        }
      }
      return best;
    }

    private void snapshot() {
      Member m = pickAlive();
      if (m == null || m.smIndex <= m.storage.snapshot().metadata().index()) {
        return;
      }
      long index = m.smIndex;
      long hash = m.smHash;
      m.storage.createSnapshot(index, MEMBERS, out -> out.write(state(index, hash)));
      compactions++;
    }

    private void deliverOne() {
      if (network.isEmpty()) {
        return;
      }
      Message msg = network.remove(r.nextInt(network.size()));
      Member to = members.get(msg.to());
      Member from = members.get(msg.from());
      boolean lost = !to.alive || r.nextInt(100) < dropPercent;
      if (lost) {
        if (msg.type() == MessageType.SNAP && from.alive) {
          from.raw.reportSnapshot(to.id, SnapshotStatus.FAILURE);
          drain(from, Crash.NONE);
        }
        return;
      }
      if (msg.type() == MessageType.SNAP) {
        // the transport lands the leader's snapshot file in the receiver's inbox first
        to.inbox = to.dir.resolve("inbox").resolve("from-" + from.id + "-" + (++inboxFiles));
        copyAcross(from, msg, to);
        to.inboxSnap = msg;
      }
      to.raw.step(msg);
      drain(to, Crash.NONE);
      if (msg.type() == MessageType.SNAP && from.alive) {
        from.raw.reportSnapshot(to.id, SnapshotStatus.FINISHED);
        drain(from, Crash.NONE);
      }
    }

    private final Map<String, byte[]> shippedSnapshots = new HashMap<>();

    /** The sender's snapshot file as shipped with the SNAP message (read when it was sent). */
    private void copyAcross(Member from, Message msg, Member to) {
      byte[] bytes = shippedSnapshots.get(key(msg));
      try {
        to.fs.createDirectories(to.inbox.getParent());
        try (StorageFile out = to.fs.createGrowable(to.inbox)) {
          out.write(0, new UnsafeBuffer(bytes), 0, bytes.length);
          out.sync();
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    private static String key(Message msg) {
      return msg.from()
          + ":"
          + msg.to()
          + ":"
          + msg.snapshot().metadata().index()
          + ":"
          + msg.snapshot().metadata().term()
          + ":"
          + msg.term();
    }

    private void send(Member from, Message msg) {
      if (msg.type() == MessageType.SNAP) {
        // the transport streams the file the leader's storage names for the snapshot it sent
        assertEquals(from.storage.snapshot().metadata(), msg.snapshot().metadata());
        shippedSnapshots.put(key(msg), readFile(from.fs, from.storage.snapshotFile()));
      }
      network.add(msg);
    }

    private static byte[] readFile(StorageFileSystem fs, Path file) {
      try {
        if (fs instanceof MappedFileSystem) {
          return Files.readAllBytes(file);
        }
        try (StorageFile in = fs.openGrowable(file)) {
          byte[] bytes = new byte[(int) in.sizeBytes()];
          in.read(0, new UnsafeBuffer(bytes), 0, bytes.length);
          return bytes;
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    private enum Crash {
      NONE,
      AFTER_EARLY_SEND,
      AFTER_PERSIST
    }

    private void drain(Member m, Crash crashAt) {
      while (m.alive && m.raw.hasReady()) {
        Ready rd = m.raw.ready();
        rd.messagesBeforePersist().forEach(msg -> send(m, msg));
        if (crashAt == Crash.AFTER_EARLY_SEND) {
          crash(m);
          return;
        }
        if (rd.snapshot() != null) {
          assertEquals(m.inboxSnap.snapshot().metadata(), rd.snapshot().metadata());
          m.storage.persist(rd, m.inbox);
          m.inboxSnap = null;
        } else {
          m.storage.persist(rd);
        }
        if (rd.hardState() != null) {
          m.persistedHard = rd.hardState();
        }
        if (rd.snapshot() != null) {
          m.syncedLastIndex = rd.snapshot().metadata().index();
          m.syncedLastTerm = rd.snapshot().metadata().term();
        }
        if (!rd.entries().isEmpty()) {
          Entry last = rd.entries().get(rd.entries().size() - 1);
          m.syncedLastIndex = last.index();
          m.syncedLastTerm = last.term();
        }
        if (crashAt == Crash.AFTER_PERSIST) {
          crash(m);
          return;
        }
        rd.messagesAfterPersist().forEach(msg -> send(m, msg));
        if (rd.snapshot() != null) {
          try (InputStream in = m.storage.openSnapshotStateMachine()) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes());
            m.smIndex = b.getLong();
            m.smHash = b.getLong();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          assertEquals(rd.snapshot().metadata().index(), m.smIndex, "installed snapshot index");
          checkChain(m);
          snapshotsInstalled++;
        }
        for (Entry e : rd.committedEntries()) {
          assertEquals(m.smIndex + 1, e.index(), "member " + m.id + " applies with a gap");
          Long prev = appliedAt.putIfAbsent(e.index(), entryHash(e));
          if (prev != null && prev != entryHash(e)) {
            throw new AssertionError(
                "state machine safety: member "
                    + m.id
                    + " applies a different entry at "
                    + e.index());
          }
          m.smIndex = e.index();
          m.smHash = m.smHash * 31 + entryHash(e) + e.index();
          checkChain(m);
        }
        m.raw.advance(rd);
      }
      if (!m.alive) {
        return;
      }
      if (m.inboxSnap != null && !m.raw.hasReady()) {
        // the core did not take the snapshot (stale): the node discards the received file
        try {
          m.fs.delete(m.inbox);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        m.inboxSnap = null;
      }
    }

    private void checkChain(Member m) {
      Long prev = chainAt.putIfAbsent(m.smIndex, m.smHash);
      if (prev != null && prev != m.smHash) {
        throw new AssertionError(
            "state machine safety: member " + m.id + " has a different state at " + m.smIndex);
      }
    }

    private void liveness() {
      dropPercent = 0;
      for (Member m : members.values()) {
        if (!m.alive) {
          start(m);
          restarts++;
        }
      }
      long probe = -1;
      Member leader = null;
      for (int t = 0; t < 100 * ELECTION_TICKS; t++) {
        tick();
        while (!network.isEmpty()) {
          deliverOne();
        }
        Member l = leader();
        if (l == null) {
          continue;
        }
        if (l != leader) {
          leader = l;
          probe = -1;
        }
        if (probe < 0) {
          try {
            l.raw.propose(ByteBuffer.allocate(8).putLong(-1).array());
            probe = l.raw.lastIndex();
            drain(l, Crash.NONE);
          } catch (ProposalDroppedException e) {
            continue;
          }
        }
        long p = probe;
        if (members.values().stream().allMatch(m -> m.raw.appliedIndex() >= p)) {
          long index = members.values().stream().mapToLong(m -> m.smIndex).min().orElseThrow();
          assertTrue(index >= p);
          long h = members.get(1L).smHash;
          for (Member m : members.values()) {
            assertEquals(members.get(1L).smIndex, m.smIndex, "final applied index");
            assertEquals(h, m.smHash, "final state of member " + m.id);
          }
          assertTrue(proposals > 0);
          return;
        }
      }
      throw new AssertionError(
          "liveness: no proposal committed and applied everywhere after healing; restarts="
              + restarts
              + " snapshotsInstalled="
              + snapshotsInstalled);
    }
  }
}
