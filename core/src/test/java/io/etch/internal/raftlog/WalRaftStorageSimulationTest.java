package io.etch.internal.raftlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.sim.InvariantViolation;
import io.etch.raft.sim.SimOptions;
import io.etch.raft.sim.Simulation;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft module's full cluster simulation ({@link Simulation}: 1-7 voters and learners, a lossy,
 * duplicating, delaying network with partitions, crashes between and inside Readies, restarts,
 * membership changes, leadership transfers, ReadIndex reads, snapshots and compaction, every safety
 * invariant after every step, then the liveness phase) with each member persisting into the node's
 * real {@link WalRaftStorage} on a {@link io.etch.storage.fs.FaultInjectingFileSystem} of its own
 * ({@link WalSimStorage}).
 *
 * <p>Every crash picks {@link CrashMode#PROCESS_CRASH}, {@link CrashMode#POWER_LOSS} or {@link
 * CrashMode#TORN_SECTORS} and the member restarts from what its disk kept; snapshots are streamed
 * as the storage's snapshot files and installed from the received file's path. Besides the
 * simulation's invariants, each reopen checks that what a sync made durable survived.
 *
 * <p>System properties: {@code etch.raftlog.seed} replays one seed; {@code etch.raftlog.seeds}
 * (default 8000) and {@code etch.raftlog.firstSeed} (default 1) choose the range; {@code
 * etch.raftlog.steps} (default 5000) the chaos steps per seed. A failure prints the seed and the
 * command that replays it.
 */
class WalRaftStorageSimulationTest {
  private static final Logger LOG = LoggerFactory.getLogger(WalRaftStorageSimulationTest.class);
  private static final int DEFAULT_STEPS = 5000;

  @Test
  void fullSimulationOnFaultInjectedWalKeepsEverySafetyPropertyAndRecovers() {
    runSeeds(Integer.getInteger("etch.raftlog.seeds", 8000));
  }

  @Test
  @Tag("soak")
  void soakManyMoreSeeds() {
    runSeeds(Integer.getInteger("etch.raftlog.soakSeeds", 100_000));
  }

  /** A printed seed is only useful if it replays: same seed, same path, disks and crashes. */
  @Test
  void sameSeedReplaysTheSameRun() {
    long seed = Long.getLong("etch.raftlog.seed", 424242);
    SimOptions opts = SimOptions.of(seed, 3000).withReplayCommand(replayCommand(seed, 3000));
    Simulation.Result a = new Simulation(opts, new WalSimStorageFactory(seed)).run();
    Simulation.Result b = new Simulation(opts, new WalSimStorageFactory(seed)).run();
    assertEquals(a, b);
    assertTrue(a.restarts() > 0, "the run never restarted a member: " + a);
  }

  static String replayCommand(long seed, int steps) {
    return "./mvnw -B -pl core -am test -Dtest=WalRaftStorageSimulationTest -Detch.raftlog.seed="
        + seed
        + (steps == DEFAULT_STEPS ? "" : " -Detch.raftlog.steps=" + steps)
        + " -Dsurefire.failIfNoSpecifiedTests=false";
  }

  private static void runSeeds(int count) {
    Long only = Long.getLong("etch.raftlog.seed");
    long first = only != null ? only : Long.getLong("etch.raftlog.firstSeed", 1);
    long end = only != null ? only + 1 : first + count;
    int steps = Integer.getInteger("etch.raftlog.steps", DEFAULT_STEPS);
    long started = System.nanoTime();
    WalSimStorageFactory.Stats total = new WalSimStorageFactory.Stats();
    long commits = 0;
    long reads = 0;
    long restarts = 0;
    long confs = 0;
    long installs = 0;
    for (long seed = first; seed < end; seed++) {
      SimOptions opts = SimOptions.of(seed, steps).withReplayCommand(replayCommand(seed, steps));
      WalSimStorageFactory storage = new WalSimStorageFactory(seed);
      Simulation.Result res;
      try {
        res = new Simulation(opts, storage).run();
      } catch (InvariantViolation e) {
        System.err.println(e.getMessage());
        throw new AssertionError(e.getMessage(), e);
      } catch (RuntimeException | AssertionError e) {
        String msg =
            "seed " + seed + " failed: " + e + "\n  replay with: " + replayCommand(seed, steps);
        System.err.println(msg);
        throw new AssertionError(msg, e);
      }
      total.add(storage.stats);
      commits += res.maxCommitted();
      reads += res.readsServed();
      restarts += res.restarts();
      confs += res.confChangesApplied();
      installs += res.snapshotsInstalled();
    }
    long seeds = end - first;
    long ms = (System.nanoTime() - started) / 1_000_000;
    LOG.info(
        "seeds [{}, {}) x {} steps on WalRaftStorage passed in {} ms ({} ms/seed): committed index"
            + " sum {}, reads {}, restarts {}, conf changes applied {}, snapshots installed {}"
            + " ({} from received files, {} shipped, {} created locally), crashes by mode {} {}",
        first,
        end,
        steps,
        ms,
        ms / Math.max(1, seeds),
        commits,
        reads,
        restarts,
        confs,
        installs,
        total.snapshotsInstalledFromFiles,
        total.snapshotsShipped,
        total.snapshotsCreated,
        Arrays.toString(CrashMode.values()),
        Arrays.toString(total.crashes));
    assertTrue(commits > 0, "the simulation committed nothing");
    if (seeds >= 20) {
      // the runs must have exercised what they claim to
      assertTrue(restarts > 0, "no member ever restarted");
      assertTrue(confs > 0, "no membership change was ever applied");
      assertTrue(total.snapshotsCreated > 0, "no local snapshot was ever taken");
      assertTrue(
          total.snapshotsInstalledFromFiles > 0, "no snapshot was ever installed from a file");
      for (CrashMode mode : CrashMode.values()) {
        assertTrue(total.crashes[mode.ordinal()] > 0, "no crash of mode " + mode);
      }
    }
  }
}
