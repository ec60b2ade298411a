package io.etch.internal.raftlog;

import static io.etch.internal.raftlog.RaftLogTesting.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.HardState;
import io.etch.raft.SnapshotMetadata;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.snap.SnapshotConfig;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The durability contract under crashes, against a model: random appends (with conflicting
 * overwrites of uncommitted suffixes), hard states, syncs, snapshots (taken at once, or as jobs
 * whose file is written between other steps, sometimes with a crash in the middle of it),
 * compactions and installs of a leader's snapshot, interrupted by crashes of every kind of the
 * fault-injecting file system (process crash, power loss, sectors torn). After every reopen:
 *
 * <ul>
 *   <li>every entry and hard state synced before the crash is present (the snapshot too);
 *   <li>every entry present is the one last written at its index: nothing truncated reappears,
 *       nothing unsynced is invented; unsynced entries may survive only as a prefix;
 *   <li>the hard state is the synced one or one appended after it;
 *   <li>the snapshot's state machine bytes read back intact.
 * </ul>
 *
 * Replay one seed: {@code ./mvnw -B -pl core test -Dtest=RaftLogCrashTest -Detch.raftlog.seed=N}.
 */
class RaftLogCrashTest {
  private static final Path DIR = Path.of("/member");
  private static final Path LEADER_SNAPS = Path.of("/leader/snap");
  private static final Path INBOX = Path.of("/snap-in");
  private static final ConfState MEMBERS = ConfState.of(new long[] {1, 2, 3}, new long[0]);

  @Test
  void syncedStateSurvivesEveryCrash() {
    runSeeds(Integer.getInteger("etch.raftlog.seeds", 60), 400);
  }

  @Tag("soak")
  @Test
  void syncedStateSurvivesEveryCrashSoak() {
    runSeeds(3000, 2000);
  }

  private void runSeeds(int seeds, int steps) {
    Long only = Long.getLong("etch.raftlog.seed");
    long first = Long.getLong("etch.raftlog.firstSeed", 1);
    if (only != null) {
      runSeed(only, steps);
      return;
    }
    for (long seed = first; seed < first + seeds; seed++) {
      runSeed(seed, steps);
    }
  }

  private void runSeed(long seed, int steps) {
    try {
      new Run(seed).run(steps);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed "
              + seed
              + " failed: "
              + e.getMessage()
              + "\n  replay with: ./mvnw -B -pl core test -Dtest=RaftLogCrashTest"
              + " -Detch.raftlog.seed="
              + seed,
          e);
    }
  }

  /** The log as written (current) and as of the last sync (durable). */
  private static final class Model {
    final TreeMap<Long, Entry> entries = new TreeMap<>();
    long offset;
    long snapIndex;
    long snapTerm;
    byte[] snapState = new byte[0];
    HardState hardState = HardState.EMPTY;

    Model copy() {
      Model m = new Model();
      m.entries.putAll(entries);
      m.offset = offset;
      m.snapIndex = snapIndex;
      m.snapTerm = snapTerm;
      m.snapState = snapState;
      m.hardState = hardState;
      return m;
    }

    long lastIndex() {
      return entries.isEmpty() ? offset : Math.max(offset, entries.lastKey());
    }

    long lastTerm() {
      return entries.isEmpty() ? snapTerm : entries.lastEntry().getValue().term();
    }
  }

  private static final class Run {
    private final SplittableRandom r;
    private FaultInjectingFileSystem fs;
    private int catchUpEntries;
    private WalRaftStorage s;
    private Model current = new Model();
    private Model durable = new Model();
    private final List<HardState> unsyncedHardStates = new ArrayList<>();
    private long term = 1;
    private int installs;
    private SnapshotJob job;
    private byte[] jobState;
    private boolean jobWritten;

    Run(long seed) {
      r = new SplittableRandom(seed);
      fs = new FaultInjectingFileSystem(seed);
      s = open();
    }

    private WalRaftStorage open() {
      catchUpEntries = r.nextInt(20);
      return WalRaftStorage.open(
          config(fs, DIR)
              .snapshotCatchUpEntries(catchUpEntries)
              .entryCacheMaxBytes(r.nextInt(4) * 512L)
              .build());
    }

    void run(int steps) {
      try {
        for (int step = 0; step < steps; step++) {
          int dice = r.nextInt(100);
          if (dice < 40) {
            appendNext();
          } else if (dice < 48) {
            overwriteUncommitted();
          } else if (dice < 62) {
            hardState();
          } else if (dice < 80) {
            sync();
          } else if (dice < 82) {
            snapshot();
          } else if (dice < 85) {
            advanceJob();
          } else if (dice < 88) {
            compact();
          } else if (dice < 90) {
            install();
          } else if (dice < 95) {
            crashAndCheck();
          } else {
            readBack();
          }
        }
        crashAndCheck();
      } finally {
        s.close();
      }
    }

    private Entry newEntry(long index) {
      byte[] data = new byte[r.nextInt(300)];
      r.nextBytes(data);
      EntryType type = r.nextInt(10) == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL;
      return new Entry(term, index, type, data);
    }

    private void appendNext() {
      if (r.nextInt(5) == 0) {
        term++;
      }
      List<Entry> batch = new ArrayList<>();
      long next = current.lastIndex() + 1;
      for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
        batch.add(newEntry(next + i));
      }
      s.append(batch);
      batch.forEach(e -> current.entries.put(e.index(), e));
    }

    private void overwriteUncommitted() {
      long floor = Math.max(current.hardState.commit(), current.snapIndex) + 1;
      long last = current.lastIndex();
      if (floor > last) {
        return;
      }
      long from = floor + r.nextLong(last - floor + 1);
      term++;
      List<Entry> batch = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
        batch.add(newEntry(from + i));
      }
      s.append(batch);
      // the truncation syncs the WAL: everything before it is durable now
      current.entries.tailMap(from, true).clear();
      durable = current.copy();
      durable.hardState = current.hardState;
      unsyncedHardStates.clear();
      batch.forEach(e -> current.entries.put(e.index(), e));
    }

    private void hardState() {
      long commit = current.hardState.commit();
      long last = current.lastIndex();
      if (last > commit && r.nextBoolean()) {
        commit += 1 + r.nextLong(last - commit);
      }
      HardState hs = new HardState(term, r.nextInt(4), commit);
      if (!hs.equals(current.hardState)) {
        s.setHardState(hs);
        current.hardState = hs;
        unsyncedHardStates.add(hs);
      }
    }

    private void sync() {
      s.sync();
      durable = current.copy();
      unsyncedHardStates.clear();
    }

    private void snapshot() {
      long commit = current.hardState.commit();
      if (commit <= current.snapIndex || commit > durable.lastIndex()) {
        return;
      }
      long index = current.snapIndex + 1 + r.nextLong(commit - current.snapIndex);
      byte[] state = new byte[r.nextInt(2000)];
      r.nextBytes(state);
      if (job != null) {
        assertThrows(IllegalStateException.class, () -> s.startSnapshot(index, MEMBERS));
        return;
      }
      if (r.nextBoolean()) {
        // the node's way: the file is written later (another thread), recorded later still
        job = s.startSnapshot(index, MEMBERS);
        assertEquals(current.entries.get(index).term(), job.term(), "job term");
        jobState = state;
        jobWritten = false;
        return;
      }
      SnapshotMetadata md = s.createSnapshot(index, MEMBERS, out -> out.write(state));
      assertEquals(current.entries.get(index).term(), md.term(), "snapshot term");
      current.snapIndex = index;
      current.snapTerm = md.term();
      current.snapState = state;
      current.offset = s.firstIndex() - 1;
      durable = current.copy();
      unsyncedHardStates.clear();
    }

    /**
     * The job in flight goes one step: its file is written (sometimes with a crash in the middle of
     * it), or it is recorded; an install since it began supersedes it.
     */
    private void advanceJob() {
      if (job == null) {
        return;
      }
      if (!jobWritten) {
        if (r.nextInt(4) == 0) {
          CrashMode mode = CrashMode.values()[r.nextInt(CrashMode.values().length)];
          int cut = r.nextInt(jobState.length + 1);
          FaultInjectingFileSystem[] crashed = new FaultInjectingFileSystem[1];
          job.writeFile(
              out -> {
                out.write(jobState, 0, cut);
                crashed[0] = fs.crash(mode);
                out.write(jobState, cut, jobState.length - cut);
              });
          s.close();
          fs = crashed[0];
          reopenAndCheck(mode + " while a snapshot file was written");
          return;
        }
        job.writeFile(out -> out.write(jobState));
        jobWritten = true;
        return;
      }
      Optional<SnapshotMetadata> md = s.finishSnapshot(job);
      if (job.index() <= current.snapIndex) {
        assertTrue(md.isEmpty(), "a superseded job is dropped");
      } else {
        assertEquals(job.index(), md.orElseThrow().index(), "job index");
        current.snapIndex = job.index();
        current.snapTerm = job.term();
        current.snapState = jobState;
        current.offset = s.firstIndex() - 1;
        durable = current.copy();
        unsyncedHardStates.clear();
      }
      job = null;
    }

    private void compact() {
      if (current.snapIndex <= current.offset) {
        return;
      }
      long to = current.offset + 1 + r.nextLong(current.snapIndex - current.offset);
      s.compact(to);
      current.offset = to;
      durable = current.copy();
      unsyncedHardStates.clear();
    }

    private void install() {
      long index = Math.max(current.hardState.commit(), current.snapIndex) + 1 + r.nextInt(30);
      term += r.nextInt(2);
      byte[] state = new byte[r.nextInt(3000)];
      r.nextBytes(state);
      SnapshotStore leader =
          SnapshotStore.open(SnapshotConfig.builder(LEADER_SNAPS).fileSystem(fs).build());
      SnapshotMeta m =
          leader.write(
              index,
              term,
              out -> {
                SnapshotEnvelope.write(MEMBERS, out);
                out.write(state);
              });
      Path received = INBOX.resolve("from-leader-" + (++installs) + ".snap");
      try {
        RaftLogTesting.copy(fs, m.file(), received);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      s.installSnapshot(new SnapshotMetadata(index, term, MEMBERS), received);
      current.entries.clear();
      current.offset = index;
      current.snapIndex = index;
      current.snapTerm = term;
      current.snapState = state;
      durable = current.copy();
      unsyncedHardStates.clear();
      HardState hs = new HardState(term, 0, index);
      s.setHardState(hs);
      s.sync();
      current.hardState = hs;
      durable = current.copy();
    }

    private void readBack() {
      long first = s.firstIndex();
      long last = s.lastIndex();
      if (last >= first) {
        long lo = first + r.nextLong(last - first + 1);
        List<Entry> got = s.entries(lo, last + 1, r.nextInt(2000));
        assertTrue(!got.isEmpty(), "at least one entry");
        for (Entry e : got) {
          assertEquals(current.entries.get(e.index()), e, "entry " + e.index());
        }
      }
    }

    private void crashAndCheck() {
      s.close();
      CrashMode mode = CrashMode.values()[r.nextInt(CrashMode.values().length)];
      fs = fs.crash(mode);
      reopenAndCheck(mode.toString());
    }

    /** Reopens on {@link #fs}, what survived a crash, and checks it against the model. */
    private void reopenAndCheck(String crash) {
      job = null; // a job in flight dies with the process
      s = open();
      String ctx = " after " + crash;
      // the snapshot
      assertEquals(durable.snapIndex, s.snapshot().metadata().index(), "snapshot index" + ctx);
      assertEquals(durable.snapTerm, s.snapshot().metadata().term(), "snapshot term" + ctx);
      assertEquals(durable.snapIndex, s.restartState().appliedIndex(), "applied" + ctx);
      if (durable.snapIndex > 0) {
        assertEquals(MEMBERS, s.initialState().confState(), "membership" + ctx);
        try (InputStream in = s.openSnapshotStateMachine()) {
          assertArrayEquals(durable.snapState, in.readAllBytes(), "snapshot state" + ctx);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
      // the hard state: the synced one or a later one
      HardState hs = s.initialState().hardState();
      assertTrue(
          hs.equals(durable.hardState) || unsyncedHardStates.contains(hs),
          "hard state " + hs + " is neither the synced " + durable.hardState + " nor later" + ctx);
      // every synced entry present, nothing but the last written entries
      // (the term of an entry below the released WAL prefix is not kept: on reopen the first
      // entry the WAL holds stands in for the snapshot, so one entry the snapshot covers is hidden)
      // (a reopen compacts again to the snapshot index minus the catch-up entries, as the log
      // did when it recorded the snapshot: entries the snapshot covers may go)
      long compacted = Math.max(durable.offset, durable.snapIndex - catchUpEntries);
      assertTrue(
          s.firstIndex() <= compacted + 1
              || (s.firstIndex() == compacted + 2 && compacted < durable.snapIndex),
          "first index " + s.firstIndex() + " > synced " + (durable.offset + 1) + ctx);
      assertTrue(
          s.lastIndex() >= durable.lastIndex(),
          "last index " + s.lastIndex() + " < synced " + durable.lastIndex() + ctx);
      assertTrue(
          s.lastIndex() <= current.lastIndex(),
          "last index " + s.lastIndex() + " > written " + current.lastIndex() + ctx);
      long offset = s.firstIndex() - 1;
      long expectedOffsetTerm =
          offset == durable.snapIndex
              ? durable.snapTerm
              : offset == 0 ? 0 : current.entries.get(offset).term();
      assertEquals(expectedOffsetTerm, s.term(offset), "term of the first index - 1" + ctx);
      if (s.lastIndex() >= s.firstIndex()) {
        List<Entry> all = s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
        assertEquals(s.lastIndex() - s.firstIndex() + 1, all.size(), "entries" + ctx);
        for (Entry e : all) {
          assertEquals(current.entries.get(e.index()), e, "entry " + e.index() + ctx);
        }
      }
      // the model continues from what survived
      current.entries.tailMap(s.lastIndex(), false).clear();
      current.offset = offset;
      current.hardState = hs;
      durable = current.copy();
      unsyncedHardStates.clear();
      term = Math.max(term, current.lastTerm());
    }
  }
}
