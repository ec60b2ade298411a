package io.etch.raft;

import io.etch.raft.read.ReadOnlyOption;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The configuration of one Raft member. Built with {@link #builder(long)}; the builder rejects
 * inconsistent settings with a message naming the conflict.
 *
 * <p>Every limit is explicit: message size, inflight count and bytes, uncommitted bytes, bytes of
 * committed entries per {@code Ready}, pending read-index requests. Randomness (the election
 * timeout jitter) is injected: the core never creates its own source.
 */
public final class RaftConfig {
  private final long id;
  private final int electionTimeoutTicks;
  private final int heartbeatIntervalTicks;
  private final boolean preVote;
  private final boolean checkQuorum;
  private final ReadOnlyOption readOnlyOption;
  private final long maxSizePerMsgBytes;
  private final int maxInflightMsgs;
  private final long maxInflightBytes;
  private final long maxUncommittedEntriesBytes;
  private final long maxCommittedBytesPerReady;
  private final int maxPendingReadIndex;
  private final ProposalForwarding proposalForwarding;
  private final long appliedIndex;
  private final RandomGenerator random;

  private RaftConfig(Builder b) {
    this.id = b.id;
    this.electionTimeoutTicks = b.electionTimeoutTicks;
    this.heartbeatIntervalTicks = b.heartbeatIntervalTicks;
    this.preVote = b.preVote;
    this.checkQuorum = b.checkQuorum;
    this.readOnlyOption = b.readOnlyOption;
    this.maxSizePerMsgBytes = b.maxSizePerMsgBytes;
    this.maxInflightMsgs = b.maxInflightMsgs;
    this.maxInflightBytes = b.maxInflightBytes;
    this.maxUncommittedEntriesBytes = b.maxUncommittedEntriesBytes;
    this.maxCommittedBytesPerReady = b.maxCommittedBytesPerReady;
    this.maxPendingReadIndex = b.maxPendingReadIndex;
    this.proposalForwarding = b.proposalForwarding;
    this.appliedIndex = b.appliedIndex;
    this.random = b.random;
  }

  /** A builder for member {@code id} (> 0). */
  public static Builder builder(long id) {
    return new Builder(id);
  }

  public long id() {
    return id;
  }

  public int electionTimeoutTicks() {
    return electionTimeoutTicks;
  }

  public int heartbeatIntervalTicks() {
    return heartbeatIntervalTicks;
  }

  public boolean preVote() {
    return preVote;
  }

  public boolean checkQuorum() {
    return checkQuorum;
  }

  public ReadOnlyOption readOnlyOption() {
    return readOnlyOption;
  }

  public long maxSizePerMsgBytes() {
    return maxSizePerMsgBytes;
  }

  public int maxInflightMsgs() {
    return maxInflightMsgs;
  }

  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  public long maxUncommittedEntriesBytes() {
    return maxUncommittedEntriesBytes;
  }

  public long maxCommittedBytesPerReady() {
    return maxCommittedBytesPerReady;
  }

  public int maxPendingReadIndex() {
    return maxPendingReadIndex;
  }

  public ProposalForwarding proposalForwarding() {
    return proposalForwarding;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public RandomGenerator random() {
    return random;
  }

  /** A final builder; {@link #build()} validates the combination. */
  public static final class Builder {
    private final long id;
    private int electionTimeoutTicks = 10;
    private int heartbeatIntervalTicks = 1;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
    private long maxSizePerMsgBytes = 1024 * 1024;
    private int maxInflightMsgs = 256;
    private long maxInflightBytes = 64L * 1024 * 1024;
    private long maxUncommittedEntriesBytes = 256L * 1024 * 1024;
    private long maxCommittedBytesPerReady = 64L * 1024 * 1024;
    private int maxPendingReadIndex = 65_536;
    private ProposalForwarding proposalForwarding = ProposalForwarding.FORWARD_TO_LEADER;
    private long appliedIndex;
    private RandomGenerator random;

    private Builder(long id) {
      if (id <= 0) {
        throw new IllegalArgumentException("member id must be > 0, got " + id);
      }
      this.id = id;
    }

    /** Ticks without leader contact before a follower campaigns (randomized to [t, 2t)). */
    public Builder electionTimeoutTicks(int ticks) {
      this.electionTimeoutTicks = ticks;
      return this;
    }

    public Builder heartbeatIntervalTicks(int ticks) {
      this.heartbeatIntervalTicks = ticks;
      return this;
    }

    /** Pre-vote (§9.6): probe electability before bumping the term. Default on. */
    public Builder preVote(boolean preVote) {
      this.preVote = preVote;
      return this;
    }

    /** A leader not hearing from a quorum for an election timeout steps down. Default on. */
    public Builder checkQuorum(boolean checkQuorum) {
      this.checkQuorum = checkQuorum;
      return this;
    }

    public Builder readOnlyOption(ReadOnlyOption option) {
      this.readOnlyOption = Objects.requireNonNull(option, "readOnlyOption");
      return this;
    }

    public Builder maxSizePerMsgBytes(long bytes) {
      this.maxSizePerMsgBytes = bytes;
      return this;
    }

    public Builder maxInflightMsgs(int count) {
      this.maxInflightMsgs = count;
      return this;
    }

    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = bytes;
      return this;
    }

    public Builder maxUncommittedEntriesBytes(long bytes) {
      this.maxUncommittedEntriesBytes = bytes;
      return this;
    }

    public Builder maxCommittedBytesPerReady(long bytes) {
      this.maxCommittedBytesPerReady = bytes;
      return this;
    }

    public Builder maxPendingReadIndex(int count) {
      this.maxPendingReadIndex = count;
      return this;
    }

    public Builder proposalForwarding(ProposalForwarding forwarding) {
      this.proposalForwarding = Objects.requireNonNull(forwarding, "proposalForwarding");
      return this;
    }

    /** The index the state machine has already applied (on restart); 0 for a fresh member. */
    public Builder appliedIndex(long index) {
      this.appliedIndex = index;
      return this;
    }

    /** The source of election-timeout jitter; required, and seeded in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public RaftConfig build() {
      if (heartbeatIntervalTicks <= 0) {
        throw new IllegalArgumentException(
            "heartbeatIntervalTicks must be > 0, got " + heartbeatIntervalTicks);
      }
      if (electionTimeoutTicks <= heartbeatIntervalTicks) {
        throw new IllegalArgumentException(
            "electionTimeoutTicks ("
                + electionTimeoutTicks
                + ") must be greater than heartbeatIntervalTicks ("
                + heartbeatIntervalTicks
                + ")");
      }
      if (readOnlyOption == ReadOnlyOption.LEASE_BASED && !checkQuorum) {
        throw new IllegalArgumentException(
            "readOnlyOption LEASE_BASED requires checkQuorum(true): without it a deposed leader"
                + " keeps answering reads from a stale lease");
      }
      requirePositive("maxSizePerMsgBytes", maxSizePerMsgBytes);
      requirePositive("maxInflightMsgs", maxInflightMsgs);
      requirePositive("maxInflightBytes", maxInflightBytes);
      requirePositive("maxUncommittedEntriesBytes", maxUncommittedEntriesBytes);
      requirePositive("maxCommittedBytesPerReady", maxCommittedBytesPerReady);
      requirePositive("maxPendingReadIndex", maxPendingReadIndex);
      if (appliedIndex < 0) {
        throw new IllegalArgumentException("appliedIndex must be >= 0, got " + appliedIndex);
      }
      if (random == null) {
        throw new IllegalArgumentException(
            "random(RandomGenerator) is required: inject a (seeded) source for election jitter");
      }
      return new RaftConfig(this);
    }

    private static void requirePositive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0, got " + value);
      }
    }
  }
}
