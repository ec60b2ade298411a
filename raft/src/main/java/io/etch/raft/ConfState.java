package io.etch.raft;

import java.util.Arrays;

/**
 * The membership a snapshot or applied configuration change stands for.
 *
 * <p>Ids are kept sorted and unique. {@code votersOutgoing} is non-empty only inside a joint
 * configuration (the old voter set while moving to {@code voters}); {@code learnersNext} holds
 * voters that become learners when the joint configuration is left.
 */
public final class ConfState {
  public static final ConfState EMPTY =
      new ConfState(new long[0], new long[0], new long[0], new long[0], false);

  private final long[] voters;
  private final long[] learners;
  private final long[] votersOutgoing;
  private final long[] learnersNext;
  private final boolean autoLeave;

  public ConfState(
      long[] voters,
      long[] learners,
      long[] votersOutgoing,
      long[] learnersNext,
      boolean autoLeave) {
    this.voters = sortedUnique(voters);
    this.learners = sortedUnique(learners);
    this.votersOutgoing = sortedUnique(votersOutgoing);
    this.learnersNext = sortedUnique(learnersNext);
    this.autoLeave = autoLeave;
  }

  /** A simple (non-joint) configuration. */
  public static ConfState of(long[] voters, long[] learners) {
    return new ConfState(voters, learners, new long[0], new long[0], false);
  }

  private static long[] sortedUnique(long[] ids) {
    long[] copy = ids == null ? new long[0] : ids.clone();
    Arrays.sort(copy);
    int n = 0;
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] <= 0) {
        throw new IllegalArgumentException("member ids must be > 0, got " + copy[i]);
      }
      if (i == 0 || copy[i] != copy[i - 1]) {
        copy[n++] = copy[i];
      }
    }
    return n == copy.length ? copy : Arrays.copyOf(copy, n);
  }

  public long[] voters() {
    return voters.clone();
  }

  public long[] learners() {
    return learners.clone();
  }

  public long[] votersOutgoing() {
    return votersOutgoing.clone();
  }

  public long[] learnersNext() {
    return learnersNext.clone();
  }

  public boolean autoLeave() {
    return autoLeave;
  }

  public boolean isJoint() {
    return votersOutgoing.length > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfState c
        && Arrays.equals(c.voters, voters)
        && Arrays.equals(c.learners, learners)
        && Arrays.equals(c.votersOutgoing, votersOutgoing)
        && Arrays.equals(c.learnersNext, learnersNext)
        && c.autoLeave == autoLeave;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(voters);
    h = 31 * h + Arrays.hashCode(learners);
    h = 31 * h + Arrays.hashCode(votersOutgoing);
    h = 31 * h + Arrays.hashCode(learnersNext);
    return 31 * h + Boolean.hashCode(autoLeave);
  }

  @Override
  public String toString() {
    return "ConfState{voters="
        + Arrays.toString(voters)
        + " learners="
        + Arrays.toString(learners)
        + (isJoint() ? " outgoing=" + Arrays.toString(votersOutgoing) : "")
        + (learnersNext.length > 0 ? " learnersNext=" + Arrays.toString(learnersNext) : "")
        + (autoLeave ? " autoLeave" : "")
        + "}";
  }
}
