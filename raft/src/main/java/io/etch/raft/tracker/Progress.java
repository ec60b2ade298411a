package io.etch.raft.tracker;

/**
 * The leader's view of one follower's log: {@code match} (highest index known replicated) and
 * {@code next} (the next index to send), with the replication state machine PROBE / REPLICATE /
 * SNAPSHOT that decides whether sending is paused.
 *
 * <p>Invariant: {@code match < next}. In REPLICATE the leader advances {@code next} optimistically
 * as it sends; a rejection drops back to PROBE, sending one message per heartbeat until a match.
 */
public final class Progress {
  private long match;
  private long next;
  private ProgressState state = ProgressState.PROBE;
  private long pendingSnapshot;
  private boolean recentActive;
  private boolean probeSent;
  private boolean learner;
  private final Inflights inflights;

  public Progress(long match, long next, Inflights inflights, boolean learner) {
    this.match = match;
    this.next = next;
    this.inflights = inflights;
    this.learner = learner;
  }

  public long match() {
    return match;
  }

  public long next() {
    return next;
  }

  public ProgressState state() {
    return state;
  }

  public long pendingSnapshot() {
    return pendingSnapshot;
  }

  public boolean recentActive() {
    return recentActive;
  }

  public void recentActive(boolean active) {
    this.recentActive = active;
  }

  public boolean probeSent() {
    return probeSent;
  }

  public void probeSent(boolean sent) {
    this.probeSent = sent;
  }

  public boolean isLearner() {
    return learner;
  }

  public void learner(boolean learner) {
    this.learner = learner;
  }

  public Inflights inflights() {
    return inflights;
  }

  /** Resets to a fresh probe from {@code next} (a new leader's view). */
  public void reset(long match, long next) {
    this.match = match;
    this.next = next;
    this.state = ProgressState.PROBE;
    this.pendingSnapshot = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  private void resetState(ProgressState s) {
    probeSent = false;
    pendingSnapshot = 0;
    state = s;
    inflights.reset();
  }

  public void becomeProbe() {
    if (state == ProgressState.SNAPSHOT) {
      long pending = pendingSnapshot;
      resetState(ProgressState.PROBE);
      next = Math.max(match + 1, pending + 1);
    } else {
      resetState(ProgressState.PROBE);
      next = match + 1;
    }
  }

  /** Sending the snapshot failed: probe again from {@code match + 1}. */
  public void abortSnapshot() {
    resetState(ProgressState.PROBE);
    next = match + 1;
  }

  public void becomeReplicate() {
    resetState(ProgressState.REPLICATE);
    next = match + 1;
  }

  public void becomeSnapshot(long snapshotIndex) {
    resetState(ProgressState.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  /** An acknowledgement up to {@code n}; returns whether it moved {@code match}. */
  public boolean maybeUpdate(long n) {
    boolean updated = false;
    if (match < n) {
      match = n;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, n + 1);
    return updated;
  }

  /** Pipelining: assume the append up to {@code n} will succeed. */
  public void optimisticUpdate(long n) {
    next = n + 1;
  }

  /**
   * A rejection of the append at {@code rejected}; the follower hints that its log matches no
   * further than {@code matchHint}. Returns false for a stale rejection.
   */
  public boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == ProgressState.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      next = match + 1;
      return true;
    }
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, matchHint + 1), 1);
    probeSent = false;
    return true;
  }

  /** Whether sending appends to this follower is paused (flow control). */
  public boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    return state + " match=" + match + " next=" + next + (learner ? " learner" : "");
  }
}
