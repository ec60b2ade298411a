package io.etch.raft.tracker;

import io.etch.raft.ConfState;
import io.etch.raft.quorum.MajorityConfig;
import io.etch.raft.quorum.VoteResult;
import java.util.Arrays;
import java.util.function.LongConsumer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The membership (voters and learners) together with the leader's per-member {@link Progress} and
 * the votes of the current election.
 *
 * <p>Learners have a progress (they are replicated to) but are never part of {@link #voters()}:
 * they never count toward a commit, an election or a check-quorum round. Iteration is in ascending
 * id order so that every run emits messages in the same order (determinism).
 */
public final class ProgressTracker {
  private MajorityConfig voters = new MajorityConfig(new long[0]);
  private long[] learners = new long[0];
  private long[] members = new long[0];
  private final Long2ObjectHashMap<Progress> progress = new Long2ObjectHashMap<>();
  private final Long2LongHashMap votes = new Long2LongHashMap(-1);
  private final int maxInflightMsgs;
  private final long maxInflightBytes;

  public ProgressTracker(int maxInflightMsgs, long maxInflightBytes) {
    this.maxInflightMsgs = maxInflightMsgs;
    this.maxInflightBytes = maxInflightBytes;
  }

  public MajorityConfig voters() {
    return voters;
  }

  public long[] learnerIds() {
    return learners.clone();
  }

  public ConfState confState() {
    return ConfState.of(voters.ids(), learners);
  }

  public Progress progress(long id) {
    return progress.get(id);
  }

  public boolean isMember(long id) {
    return progress.containsKey(id);
  }

  public boolean isLearner(long id) {
    return Arrays.binarySearch(learners, id) >= 0;
  }

  /** Every member id (voters and learners), ascending. */
  public void forEachMember(LongConsumer action) {
    for (long id : members) {
      action.accept(id);
    }
  }

  public long[] memberIds() {
    return members.clone();
  }

  /**
   * Installs a membership: progress is kept for members that stay, created (probing from {@code
   * nextIndex}) for new ones and dropped for removed ones.
   */
  public void setMembership(long[] voterIds, long[] learnerIds, long nextIndex) {
    ConfState cs = ConfState.of(voterIds, learnerIds);
    long[] v = cs.voters();
    long[] l = cs.learners();
    for (long id : l) {
      if (Arrays.binarySearch(v, id) >= 0) {
        throw new IllegalArgumentException("member " + id + " cannot be both voter and learner");
      }
    }
    voters = new MajorityConfig(v);
    learners = l;
    long[] all = new long[v.length + l.length];
    System.arraycopy(v, 0, all, 0, v.length);
    System.arraycopy(l, 0, all, v.length, l.length);
    Arrays.sort(all);
    Long2ObjectHashMap<Progress> old = new Long2ObjectHashMap<>(progress);
    progress.clear();
    for (long id : all) {
      Progress p = old.get(id);
      if (p == null) {
        p = new Progress(0, nextIndex, new Inflights(maxInflightMsgs, maxInflightBytes), false);
        // a newcomer is presumed active so check-quorum does not count it out at once
        p.recentActive(true);
      }
      p.learner(Arrays.binarySearch(l, id) >= 0);
      progress.put(id, p);
    }
    members = all;
  }

  /** The highest index acknowledged by a majority of voters (their {@code match}). */
  public long committedIndex() {
    return voters.committedIndex(
        id -> {
          Progress p = progress.get(id);
          return p == null ? 0 : p.match();
        });
  }

  /** Whether a majority of voters was heard from recently (the leader counts itself). */
  public boolean quorumActive(long self) {
    return voters.voteResult(
            id -> true,
            id -> {
              if (id == self) {
                return true;
              }
              Progress p = progress.get(id);
              return p != null && p.recentActive();
            })
        == VoteResult.WON;
  }

  public void resetVotes() {
    votes.clear();
  }

  /** Records a vote; a second answer from the same voter is ignored. */
  public void recordVote(long id, boolean granted) {
    if (!votes.containsKey(id)) {
      votes.put(id, granted ? 1 : 0);
    }
  }

  public VoteResult tallyVotes() {
    return tallyVotes(voters);
  }

  /** Tallies the recorded votes against {@code electorate}. */
  public VoteResult tallyVotes(MajorityConfig electorate) {
    return electorate.voteResult(votes::containsKey, id -> votes.get(id) == 1);
  }

  public int grantedCount() {
    int n = 0;
    for (long id : voters.ids()) {
      if (votes.get(id) == 1) {
        n++;
      }
    }
    return n;
  }
}
