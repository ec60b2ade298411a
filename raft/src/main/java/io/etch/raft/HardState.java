package io.etch.raft;

/**
 * The state Raft must persist before it answers anyone: the current term, the vote cast in it and
 * the highest index known committed.
 *
 * @param term current term
 * @param vote member id voted for in {@code term}, or {@link Message#NONE} (0) for none
 * @param commit highest log index known to be committed
 */
public record HardState(long term, long vote, long commit) {
  /** The state of a member that has never run. */
  public static final HardState EMPTY = new HardState(0, 0, 0);

  public HardState {
    if (term < 0 || vote < 0 || commit < 0) {
      throw new IllegalArgumentException(
          "hard state fields must be >= 0: term=" + term + " vote=" + vote + " commit=" + commit);
    }
  }

  public boolean isEmpty() {
    return term == 0 && vote == 0 && commit == 0;
  }
}
