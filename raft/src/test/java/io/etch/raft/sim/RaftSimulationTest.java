package io.etch.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the deterministic cluster simulation over many seeds.
 *
 * <p>System properties: {@code etch.raft.seed} replays one seed; {@code etch.raft.seeds} (default
 * 5000) and {@code etch.raft.firstSeed} (default 1) choose the range; {@code etch.raft.steps}
 * (default 5000) the chaos steps per seed. A failure names the seed and the replay command.
 */
class RaftSimulationTest {
  private static final Logger LOG = LoggerFactory.getLogger(RaftSimulationTest.class);

  static int steps() {
    return Integer.getInteger("etch.raft.steps", 5000);
  }

  @Test
  void manySeedsKeepEverySafetyPropertyAndRecover() {
    runSeeds(1);
  }

  @Test
  @Tag("soak")
  void soakHundredTimesMoreSeeds() {
    runSeeds(100);
  }

  private static void runSeeds(int multiplier) {
    String single = System.getProperty("etch.raft.seed");
    List<Long> seeds = new ArrayList<>();
    if (single != null) {
      seeds.add(Long.parseLong(single));
    } else {
      long first = Long.getLong("etch.raft.firstSeed", 1);
      int count = Integer.getInteger("etch.raft.seeds", 5000) * multiplier;
      for (long s = first; s < first + count; s++) {
        seeds.add(s);
      }
    }
    int steps = steps();
    long started = System.nanoTime();
    long commits = 0;
    long reads = 0;
    long leaders = 0;
    long snaps = 0;
    long confs = 0;
    long restarts = 0;
    for (long seed : seeds) {
      SimOptions opts = SimOptions.of(seed, steps);
      Simulation.Result res;
      try {
        res = new Simulation(opts).run();
      } catch (InvariantViolation e) {
        System.err.println(e.getMessage());
        fail(e.getMessage(), e);
        return;
      }
      commits += res.maxCommitted();
      reads += res.readsServed();
      leaders += res.leaderTerms();
      snaps += res.snapshotsInstalled();
      confs += res.confChangesApplied();
      restarts += res.restarts();
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    LOG.info(
        "{} seeds x {} steps passed in {} ms ({} ms/seed); committed index sum {}, reads {},"
            + " leader terms {}, snapshots installed {}, conf changes applied {}, restarts {}",
        seeds.size(),
        steps,
        ms,
        ms / Math.max(1, seeds.size()),
        commits,
        reads,
        leaders,
        snaps,
        confs,
        restarts);
    assertTrue(commits > 0, "the simulation committed nothing");
    if (seeds.size() >= 100) {
      // the fault mix must actually exercise the interesting paths
      assertTrue(snaps > 0, "no snapshot was ever installed");
      assertTrue(confs > 0, "no membership change was ever applied");
      assertTrue(restarts > 0, "no member ever restarted");
      assertTrue(leaders > seeds.size(), "too few elections");
    }
  }

  /**
   * The durability order of {@link io.etch.raft.Ready} matters: a harness that sends votes and
   * acknowledgements before persisting (and crashes in between) lets a member forget a vote or an
   * acknowledged entry, and the checker catches the resulting safety violation.
   */
  @Test
  void sendingBeforePersistingIsCaughtByTheInvariantChecker() {
    int caught = 0;
    String safety = null;
    for (long seed = 1; seed <= 500 && safety == null; seed++) {
      try {
        new Simulation(SimOptions.of(seed, 5000).unsafe()).run();
      } catch (InvariantViolation e) {
        caught++;
        String msg = e.getMessage();
        if (msg.contains("election safety")
            || msg.contains("committed entry changed")
            || msg.contains("state machine safety")
            || msg.contains("leader completeness")
            || msg.contains("log matching")) {
          safety = msg;
        }
      }
    }
    LOG.info("broken durability order: {} runs failed; safety violation: {}", caught, safety);
    assertTrue(
        safety != null, "no safety violation found although messages left before persistence");
    for (long seed = 1; seed <= 50; seed++) {
      // the same seeds with the documented order are fine
      new Simulation(SimOptions.of(seed, 5000)).run();
    }
  }

  @Test
  void sameSeedGivesTheSameTraceHash() {
    long seed = Long.getLong("etch.raft.seed", 424242);
    Simulation.Result a = new Simulation(SimOptions.of(seed, 3000)).run();
    Simulation.Result b = new Simulation(SimOptions.of(seed, 3000)).run();
    assertEquals(a, b);
    Simulation.Result c = new Simulation(SimOptions.of(seed + 1, 3000)).run();
    assertTrue(c.traceHash() != a.traceHash(), "different seeds should take different paths");
  }
}
