package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded random operations (appends, syncs, truncations, hard states, snapshot markers with prefix
 * release) interleaved with simulated crashes of every kind, checked against a model: after every
 * restart each synced entry is present and intact, nothing appears that was never appended, and a
 * process crash loses nothing. Odd seeds write fixed files in whole 1 KiB blocks, the partly filled
 * last one rewritten by each sync (as {@link io.etch.storage.fs.WritePath#DIRECT_DSYNC}); even
 * seeds byte by byte. Replay one seed with {@code ./mvnw -pl storage test
 * -Dtest=WalCrashSimulationTest -Detch.wal.seed=<seed>}.
 */
class WalCrashSimulationTest {
  private static final String REPLAY =
      "./mvnw -B -ntp -pl storage test -Dtest=WalCrashSimulationTest -Detch.wal.seed=";

  @Test
  void syncedEntriesSurviveEveryCrash() {
    run(60, 400);
  }

  @Test
  @Tag("soak")
  void syncedEntriesSurviveEveryCrashSoak() {
    run(4000, 1000);
  }

  private static void run(int seeds, int steps) {
    String only = System.getProperty("etch.wal.seed");
    if (only != null) {
      runSeed(Long.parseLong(only), steps);
      return;
    }
    long base = new Random().nextLong();
    for (int i = 0; i < seeds; i++) {
      runSeed(base + i, steps);
    }
  }

  private static void runSeed(long seed, int steps) {
    Simulation simulation = new Simulation(seed);
    StringBuilder trace = simulation.trace;
    try {
      simulation.run(steps);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed " + seed + " failed; replay with: " + REPLAY + seed + "\n" + trace, e);
    }
  }

  private static final class Simulation {
    private final Random random;

    /** The last operations, printed with a failure. */
    final StringBuilder trace = new StringBuilder();

    private FaultInjectingFileSystem fs;
    private WriteAheadLog wal;
    private final TreeMap<Long, Long> terms = new TreeMap<>();
    private long durableLast;
    private long term = 1;
    private final List<WalHardState> hardStatesSinceSync = new ArrayList<>();
    private WalHardState lastHardState;
    private WalHardState durableHardState;

    /** Half the seeds prepare the next segment ahead of need (on a direct executor). */
    private final boolean preallocate;

    private WalConfig config() {
      WalConfig.Builder b =
          WalConfig.builder(DIR).fileSystem(fs).segmentSizeBytes(8192).maxEntryBytes(1024);
      if (preallocate) {
        b.preallocationExecutor(Runnable::run);
      }
      return b.build();
    }

    Simulation(long seed) {
      this.random = new Random(seed);
      this.preallocate = random.nextBoolean();
      this.fs =
          Math.floorMod(seed, 2) == 0
              ? new FaultInjectingFileSystem(seed)
              : FaultInjectingFileSystem.withBlockWrites(seed, 1024);
      this.wal = WriteAheadLog.open(config());
    }

    private void note(String op) {
      if (trace.length() > 4000) {
        trace.delete(0, trace.indexOf("\n", 1000) + 1);
      }
      trace.append(op).append(" -> [").append(wal.firstIndex()).append(", ");
      trace.append(wal.lastIndex()).append("] durable ").append(durableLast).append('\n');
    }

    void run(int steps) {
      for (int step = 0; step < steps; step++) {
        int dice = random.nextInt(100);
        trace.append("step ").append(step).append(": ");
        try {
          step(dice);
        } catch (WalFailedException | WalIoException e) {
          note("I/O failed (" + e.getCause().getMessage() + "), log must be reopened");
          wal.close();
          crash(CrashMode.values()[random.nextInt(CrashMode.values().length)], true);
        }
      }
      wal.close();
    }

    private void step(int dice) {
      {
        if (dice < 2) {
          injectSyncFailure();
        } else if (dice < 45) {
          appendBatch();
        } else if (dice < 70) {
          sync();
        } else if (dice < 76) {
          truncate();
        } else if (dice < 84) {
          hardState();
        } else if (dice < 88) {
          snapshotAndRelease();
        } else if (dice < 97) {
          crash(CrashMode.values()[random.nextInt(CrashMode.values().length)], false);
        } else {
          wal.close();
          wal = WriteAheadLog.open(config());
          verify(CrashMode.PROCESS_CRASH);
        }
      }
    }

    /** The next sync of the active segment fails (fsyncgate): the log must refuse all writes. */
    private void injectSyncFailure() {
      try {
        List<String> names = fs.list(DIR);
        fs.failNextSync(DIR.resolve(names.get(names.size() - 1)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      note("next sync of the active segment will fail");
    }

    private void appendBatch() {
      int n = 1 + random.nextInt(20);
      for (int i = 0; i < n; i++) {
        long index = wal.lastIndex() + 1;
        wal.append(index, term, (byte) (index % 3), payload(index, term));
        terms.put(index, term);
      }
      note("append " + n + " at term " + term);
    }

    private void sync() {
      wal.sync();
      durableLast = wal.lastIndex();
      note("sync");
      durableHardState = lastHardState;
      hardStatesSinceSync.clear();
    }

    private void truncate() {
      long first = wal.firstIndex();
      long last = wal.lastIndex();
      long from = first + (long) random.nextInt((int) (last - first + 2));
      if (from <= last) {
        // should the truncation's own sync fail, a crash may or may not keep it: either way
        // nothing from `from` on can be required to survive
        durableLast = Math.min(durableLast, from - 1);
      }
      wal.truncateSuffix(from);
      note("truncate from " + from);
      terms.tailMap(from, true).clear();
      assertEquals(from - 1, wal.lastIndex());
      if (from <= last) {
        // a real truncation is durable, and so is everything appended before it
        term++;
        durableLast = wal.lastIndex();
        durableHardState = lastHardState;
        hardStatesSinceSync.clear();
      }
    }

    private void hardState() {
      term += random.nextInt(2);
      WalHardState next = new WalHardState(term, random.nextInt(5), Math.max(0, wal.lastIndex()));
      wal.appendHardState(next);
      lastHardState = next;
      note("hard state " + lastHardState);
      hardStatesSinceSync.add(lastHardState);
    }

    private void snapshotAndRelease() {
      long first = wal.firstIndex();
      long last = wal.lastIndex();
      if (last < first) {
        return;
      }
      long index = first + (long) random.nextInt((int) (last - first + 1));
      wal.appendSnapshotMarker(new WalSnapshotMarker(index, terms.get(index)));
      sync();
      if (index == last) {
        terms.clear();
        assertEquals(index + 1, wal.firstIndex());
      }
      wal.releasePrefix(index);
      note("snapshot at " + index + " and release");
      assertTrue(wal.firstIndex() <= index + 1, "release keeps entries after the snapshot");
      terms.headMap(wal.firstIndex(), false).clear();
      assertEquals(last, wal.lastIndex());
    }

    /**
     * Crashes and reopens. After a failed write the operation in flight may or may not have reached
     * the disk (a snapshot marker that emptied the log, say), so the first index is then only
     * checked by {@link #verify}.
     */
    private void crash(CrashMode mode, boolean afterFailure) {
      long firstBefore = wal.firstIndex();
      long lastBefore = wal.lastIndex();
      fs = fs.crash(mode);
      wal = WriteAheadLog.open(config());
      note("crash " + mode);
      if (!afterFailure) {
        assertEquals(firstBefore, wal.firstIndex(), mode + ": first index");
      }
      if (keepsEverything(mode)) {
        assertEquals(lastBefore, wal.lastIndex(), "a process crash loses nothing");
      }
      verify(mode);
    }

    /**
     * Whether every write survives {@code mode}: a process crash keeps what reached the kernel,
     * which with byte writes is every write; with block writes the bytes still in the process's
     * write-behind buffer (not yet written back by a sync) die with the process, as they do with
     * the real buffered and direct paths.
     */
    private boolean keepsEverything(CrashMode mode) {
      return mode == CrashMode.PROCESS_CRASH && fs.blockWriteBytes() == 0;
    }

    private void verify(CrashMode mode) {
      long last = wal.lastIndex();
      assertTrue(
          last >= durableLast, mode + ": synced entries up to " + durableLast + " lost: " + last);
      for (long i = wal.firstIndex(); i <= last; i++) {
        Long t = terms.get(i);
        assertNotNull(t, mode + ": entry " + i + " was never appended");
        assertEquals(expected(i, t), wal.entry(i), mode + ": entry " + i);
      }
      WalHardState recovered = wal.hardState().orElse(null);
      if (keepsEverything(mode)) {
        assertEquals(lastHardState, recovered);
      } else if (!java.util.Objects.equals(recovered, durableHardState)) {
        assertTrue(
            hardStatesSinceSync.contains(recovered),
            mode
                + ": hard state "
                + recovered
                + " neither "
                + durableHardState
                + " nor among "
                + hardStatesSinceSync);
      }
      lastHardState = recovered;
      durableHardState = recovered;
      hardStatesSinceSync.clear();
      terms.tailMap(last, false).clear();
      durableLast = last;
    }
  }
}
