package io.etch.raft.quorum;

import java.util.Arrays;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import org.agrona.collections.LongHashSet;

/**
 * A set of voters decided by simple majority: the quorum arithmetic of Raft in one place.
 *
 * <p>Two questions are answered: which index is acknowledged by a majority ({@link
 * #committedIndex}, §5.3: the leader commits what a majority stores) and whether a vote or an
 * acknowledgement round is won, lost or pending ({@link #voteResult}). An empty configuration
 * commits everything and wins every vote, so that a node that is not yet configured never blocks;
 * the core refuses to campaign in that state.
 */
public final class MajorityConfig {
  private final long[] voters;

  public MajorityConfig(long[] voters) {
    long[] v = voters.clone();
    Arrays.sort(v);
    this.voters = v;
  }

  public long[] ids() {
    return voters.clone();
  }

  public int size() {
    return voters.length;
  }

  public boolean contains(long id) {
    return Arrays.binarySearch(voters, id) >= 0;
  }

  /** The majority size: {@code n / 2 + 1}. */
  public int quorum() {
    return voters.length / 2 + 1;
  }

  /**
   * The largest index acknowledged by a majority, given each voter's acknowledged index (0 for a
   * voter with no progress); {@code Long.MAX_VALUE} for an empty configuration.
   */
  public long committedIndex(LongUnaryOperator ackedIndex) {
    int n = voters.length;
    if (n == 0) {
      return Long.MAX_VALUE;
    }
    long[] acked = new long[n];
    for (int i = 0; i < n; i++) {
      acked[i] = ackedIndex.applyAsLong(voters[i]);
    }
    Arrays.sort(acked);
    // ascending: the (n - quorum)-th element is the highest index a quorum has reached
    return acked[n - quorum()];
  }

  /**
   * Counts votes: {@code granted} tells, for a voter that answered, whether it said yes; {@code
   * answered} whether it answered at all.
   */
  public VoteResult voteResult(LongPredicate answered, LongPredicate granted) {
    if (voters.length == 0) {
      return VoteResult.WON;
    }
    int yes = 0;
    int missing = 0;
    for (long id : voters) {
      if (!answered.test(id)) {
        missing++;
      } else if (granted.test(id)) {
        yes++;
      }
    }
    int q = quorum();
    if (yes >= q) {
      return VoteResult.WON;
    }
    if (yes + missing >= q) {
      return VoteResult.PENDING;
    }
    return VoteResult.LOST;
  }

  /** Acknowledgement rounds (read index, check quorum): a set of voters that said yes. */
  public VoteResult ackResult(LongHashSet acks) {
    return voteResult(acks::contains, id -> true);
  }
}
