package io.etch.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.faults.Nemesis.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded fault suite of the default build: four seeded runs of about 20 s each (3 members
 * under network faults and pauses, 3 members under crashes and leader restarts, 3 members replaced
 * one by one while crashes and leader isolations go on, 5 members under everything). Each run's
 * history must be linearizable and pass every {@link HistoryChecks} check, and the members must end
 * with equal hashes. A failure prints the seed and the command replaying it; {@code
 * -Detch.faults.seed=N} overrides every run's seed, {@code -Detch.faults.seconds=S} their length.
 */
class FaultSuiteTest {
  @TempDir Path dir;

  static final Set<Fault> NETWORK =
      EnumSet.of(
          Fault.PARTITION,
          Fault.ASYMMETRIC,
          Fault.ISOLATE_LEADER,
          Fault.DROPS,
          Fault.DELAYS,
          Fault.PAUSE);
  static final Set<Fault> CRASHES =
      EnumSet.of(Fault.CRASH, Fault.POWER_OUTAGE, Fault.LEADER_RESTART, Fault.PAUSE);

  static final Set<Fault> MEMBERSHIP =
      EnumSet.of(Fault.MEMBER_REPLACE, Fault.LEARNER_CHURN, Fault.CRASH, Fault.ISOLATE_LEADER);

  @Test
  void threeMembersUnderNetworkFaultsAndPauses() {
    check("threeMembersUnderNetworkFaultsAndPauses", 11, 3, NETWORK);
  }

  @Test
  void threeMembersUnderCrashesThatLoseUnsyncedWrites() {
    check("threeMembersUnderCrashesThatLoseUnsyncedWrites", 23, 3, CRASHES);
  }

  @Test
  void threeMembersReplacedDuringTrafficAndFaults() {
    check("threeMembersReplacedDuringTrafficAndFaults", 41, 3, MEMBERSHIP);
  }

  @Test
  void fiveMembersUnderEveryFault() {
    check("fiveMembersUnderEveryFault", 37, 5, FaultRun.all());
  }

  private void check(String test, long defaultSeed, int members, Set<Fault> faults) {
    long seed = Long.getLong("etch.faults.seed", defaultSeed);
    Duration length = Duration.ofSeconds(Long.getLong("etch.faults.seconds", 20));
    FaultRun.Report report = FaultRun.run(dir, seed, FaultRun.Config.of(members, length, faults));
    assertTrue(report.ok(), () -> failure(test, report));
  }

  static String failure(String test, FaultRun.Report report) {
    return "fault run failed: "
        + report.summary()
        + "\n"
        + String.join("\n", report.violations())
        + (report.checkerDetail().isEmpty() ? "" : "\n" + report.checkerDetail())
        + "\nreplay: ./mvnw -B -ntp -pl core -am verify -Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dtest='FaultSuiteTest#"
        + test
        + "' -Detch.faults.seed="
        + report.seed();
  }
}
