package io.etch.raft.sim;

/** A Raft safety or liveness property failed in a simulation run. */
public final class InvariantViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvariantViolation(String message) {
    super(message);
  }

  public InvariantViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
