package io.etch.internal.node;

import io.etch.InvalidArgumentException;
import org.agrona.collections.Long2LongHashMap;

/**
 * Member ids ({@code MemberIds}: unsigned 64-bit) as Raft and the transport see them (positive
 * {@code long}s): the sign bit cleared, 0 mapped to 1. Keeps the reverse mapping for the members it
 * was told about, so a Raft leader id can be reported as the member's public id. Members are
 * registered at start and as the replicated membership changes (applier thread), and looked up from
 * any thread, hence the lock.
 */
final class RaftIds {
  private final Long2LongHashMap toMember = new Long2LongHashMap(0);

  static long raftId(long memberId) {
    long id = memberId & Long.MAX_VALUE;
    return id == 0 ? 1 : id;
  }

  /**
   * Registers a member.
   *
   * @throws InvalidArgumentException when two members map to the same Raft id
   */
  synchronized long register(long memberId) {
    long raftId = raftId(memberId);
    long previous = toMember.get(raftId);
    if (previous != 0 && previous != memberId) {
      throw new InvalidArgumentException(
          "initialCluster",
          "members "
              + Long.toHexString(previous)
              + " and "
              + Long.toHexString(memberId)
              + " differ only in the top bit of their ids; rename one of them");
    }
    toMember.put(raftId, memberId);
    return raftId;
  }

  /** The public member id of Raft id {@code raftId}; 0 for 0 ("none"), itself when unknown. */
  synchronized long memberId(long raftId) {
    if (raftId == 0) {
      return 0;
    }
    long id = toMember.get(raftId);
    return id == 0 ? raftId : id;
  }
}
