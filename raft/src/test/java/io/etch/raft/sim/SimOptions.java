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
 */
public record SimOptions(
    long seed, int steps, boolean unsafeSendBeforePersist, int crashMidReadyPercent) {
  public static SimOptions of(long seed, int steps) {
    return new SimOptions(seed, steps, false, 30);
  }

  public SimOptions unsafe() {
    return new SimOptions(seed, steps, true, 100);
  }

  /** The command that replays this run. */
  public String replayCommand() {
    return "./mvnw -B -pl raft test -Dtest=RaftSimulationTest -Detch.raft.seed="
        + seed
        + " -Detch.raft.steps="
        + steps;
  }
}
