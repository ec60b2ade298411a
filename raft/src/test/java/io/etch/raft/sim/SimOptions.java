package io.etch.raft.sim;

/**
 * Knobs of one simulation run. Everything not given here is derived from the seed.
 *
 * @param seed the single seed every random choice derives from
 * @param steps number of fault-injection steps before the liveness phase
 * @param unsafeSendBeforePersist violate the Ready durability order on purpose: send the messages
 *     that must wait for persistence first (used to show the checker catches it)
 * @param crashMidReadyPercent chance (0-100) that a crash event strikes between sending and
 *     persisting a Ready rather than between Readies
 * @param replay the command a failure prints to replay this run; null for the raft module's own
 *     {@code RaftSimulationTest} command
 */
public record SimOptions(
    long seed,
    int steps,
    boolean unsafeSendBeforePersist,
    int crashMidReadyPercent,
    String replay) {
  public static SimOptions of(long seed, int steps) {
    return new SimOptions(seed, steps, false, 30, null);
  }

  public SimOptions unsafe() {
    return new SimOptions(seed, steps, true, 100, replay);
  }

  /** The same run, replayed by {@code command} (a test elsewhere driving its own storage). */
  public SimOptions withReplayCommand(String command) {
    return new SimOptions(seed, steps, unsafeSendBeforePersist, crashMidReadyPercent, command);
  }

  /** The command that replays this run. */
  public String replayCommand() {
    if (replay != null) {
      return replay;
    }
    return "./mvnw -B -pl raft test -Dtest=RaftSimulationTest -Detch.raft.seed="
        + seed
        + " -Detch.raft.steps="
        + steps;
  }
}
