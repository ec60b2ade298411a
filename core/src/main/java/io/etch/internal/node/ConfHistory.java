package io.etch.internal.node;

import io.etch.raft.ConfState;
import java.util.ArrayList;

/**
 * The Raft membership as of each log index from the last snapshot on: what a snapshot at index
 * {@code i} must record.
 *
 * <p>The owner thread applies a membership change when it hands the committed entry to the applier,
 * so Raft's current configuration is the one as of the commit index. A snapshot is taken at the
 * applied index, which trails it; recording the current configuration there would put into the
 * snapshot a change whose entry comes after it, and a member restoring the snapshot would then
 * apply that entry a second time (an add-learner replayed after the promote that followed it
 * demotes the member again). The owner therefore notes each configuration with the index of the
 * entry that made it, and a snapshot looks up the one in force at its index. Membership changes are
 * rare and one snapshot drops every configuration before its own, so the list stays short. Owner
 * thread only.
 */
final class ConfHistory {
  private record Noted(long index, ConfState state) {}

  private final ArrayList<Noted> noted = new ArrayList<>();

  /** Starts from {@code initial}, in force from {@code index} (the restored snapshot's, or 0). */
  ConfHistory(long index, ConfState initial) {
    reset(index, initial);
  }

  /**
   * Forgets everything: {@code state} is in force from {@code index} (a snapshot was installed).
   */
  void reset(long index, ConfState state) {
    noted.clear();
    noted.add(new Noted(index, state));
  }

  /** The change at {@code index} made {@code after}; indexes only grow. */
  void changed(long index, ConfState after) {
    long last = noted.get(noted.size() - 1).index;
    if (index < last) {
      throw new IllegalStateException(
          "membership change at index " + index + " noted after one at index " + last);
    }
    noted.add(new Noted(index, after));
  }

  /**
   * The configuration in force at {@code index} (made by the last change at or before it), for a
   * snapshot at {@code index}; forgets the ones before it, since snapshots only move forward.
   */
  ConfState asOf(long index) {
    int at = noted.size() - 1;
    while (at > 0 && noted.get(at).index > index) {
      at--;
    }
    if (noted.get(at).index > index) {
      throw new IllegalStateException(
          "no membership known at index " + index + "; the oldest noted is at " + noted.get(0));
    }
    ConfState state = noted.get(at).state;
    noted.subList(0, at).clear();
    return state;
  }

  /** How many configurations are noted: the one in force at the last snapshot, and later ones. */
  int size() {
    return noted.size();
  }
}
