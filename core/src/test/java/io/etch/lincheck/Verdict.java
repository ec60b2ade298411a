package io.etch.lincheck;

/** The outcome of a linearizability check. */
public enum Verdict {
  /** A linearization exists for every partition. */
  LINEARIZABLE,
  /** Some partition has no linearization: the history is not linearizable. */
  NOT_LINEARIZABLE,
  /** The time budget ran out before every partition was decided and none was found illegal. */
  UNKNOWN
}
