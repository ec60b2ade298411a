package io.etch.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.faults.Nemesis.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite for as long as asked ({@code -Pfaults -Detch.faults.minutes=30}): runs of {@code
 * etch.faults.seconds} (default 45) with every fault, alternating 3 and 5 members, seeds counting
 * up from {@code etch.faults.firstSeed} (default: the wall clock, printed). A failing run is
 * recorded with its seed and the command replaying it ({@code -Detch.faults.seed=N
 * -Detch.faults.members=M}: that one run) and the suite goes on; at the end it prints the totals
 * and fails with every failed run.
 */
@Tag("faults-long")
class LongFaultSuiteTest {
  private static final Logger LOG = LoggerFactory.getLogger(LongFaultSuiteTest.class);

  @TempDir Path dir;

  @Test
  void runsSeededFaultRunsForTheRequestedTime() {
    Duration length = Duration.ofSeconds(Long.getLong("etch.faults.seconds", 45));
    Long fixedSeed = Long.getLong("etch.faults.seed");
    long minutes = Long.getLong("etch.faults.minutes", 10);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    long seed =
        fixedSeed != null
            ? fixedSeed
            : Long.getLong("etch.faults.firstSeed", System.currentTimeMillis());
    LOG.info("long fault suite: {} minutes, runs of {}, first seed {}", minutes, length, seed);

    int runs = 0;
    long operations = 0;
    long unknown = 0;
    long checkerMs = 0;
    long cut = 0;
    long dropped = 0;
    long delayed = 0;
    Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    Map<String, Integer> membership = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    do {
      int members = Integer.getInteger("etch.faults.members", runs % 2 == 0 ? 3 : 5);
      Path runDir = dir.resolve("run-" + runs);
      FaultRun.Report report;
      try {
        report = FaultRun.run(runDir, seed, FaultRun.Config.of(members, length, FaultRun.all()));
      } catch (AssertionError | RuntimeException e) {
        failures.add(e + "\n" + replay(seed, members, length));
        LOG.error("fault run {} failed", seed, e);
        runs++;
        seed++;
        continue;
      }
      runs++;
      operations += report.operations();
      unknown += report.unknown();
      checkerMs += report.checkerMs();
      cut += report.framesCut();
      dropped += report.framesDropped();
      delayed += report.framesDelayed();
      report.faults().forEach((f, n) -> faults.merge(f, n, Integer::sum));
      report.membershipChanges().forEach((k, n) -> membership.merge(k, n, Integer::sum));
      if (!report.ok()) {
        failures.add(
            "fault run failed: "
                + report.summary()
                + "\n"
                + String.join("\n", report.violations())
                + (report.checkerDetail().isEmpty() ? "" : "\n" + report.checkerDetail())
                + "\n"
                + replay(seed, members, length));
      }
      deleteQuietly(runDir);
      seed++;
    } while (fixedSeed == null && System.nanoTime() - deadline < 0);
    LOG.info(
        "long fault suite totals: runs={} ops={} unknown={} faults={} membership={} frames(cut={}"
            + " dropped={} delayed={}) checker={} ms failed runs={}",
        runs,
        operations,
        unknown,
        faults,
        membership,
        cut,
        dropped,
        delayed,
        checkerMs,
        failures.size());
    assertTrue(failures.isEmpty(), () -> String.join("\n\n", failures));
  }

  private static String replay(long seed, int members, Duration length) {
    return "replay: ./mvnw -B -ntp -pl core -am verify -Pfaults"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=LongFaultSuiteTest"
        + " -Detch.faults.seed="
        + seed
        + " -Detch.faults.members="
        + members
        + " -Detch.faults.seconds="
        + length.toSeconds();
  }

  private static void deleteQuietly(Path runDir) {
    try (var files = Files.walk(runDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
