package io.etch.internal.node;

import io.etch.EtchException;
import io.etch.LearnerNotReadyException;
import io.etch.UnhealthyClusterException;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.transport.ForwardReply;
import io.etch.transport.ForwardStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * A follower asks the leader, before proposing a membership change, whether the leader would accept
 * it: the reachable-quorum and learner-readiness checks need the leader's view of its followers,
 * which only it has. The follower then fails the call with the leader's typed error (etcd relays
 * the leader's answer the same way) instead of proposing a change the leader would drop. The leader
 * still checks the change when it arrives as a Raft proposal, so a change that became unsafe in
 * between is never appended.
 *
 * <pre>
 *  request (kind {@link #KIND}): the encoded ConfChange ({@code ConfChangeCodec})
 *
 *  answer, big endian:
 *  +---------------+
 *  | status (uint8)|  OK = 0, NOT_LEADER = 1 (ask again or just propose)
 *  +---------------+-----------------------------------------------+
 *  | UNHEALTHY = 2:  reachable voters (int32) | required (int32)     |
 *  |                 operation length (uint16) | operation UTF-8      |
 *  +---------------------------------------------------------------+
 *  | NOT_READY = 3:  member id (int64) | match index (int64)         |
 *  |                 leader index (int64)                            |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class MembershipCheck {
  /** The forward kind (lease calls use 1 and 2). */
  static final int KIND = 3;

  static final int STATUS_OK = 0;
  static final int STATUS_NOT_LEADER = 1;
  static final int STATUS_UNHEALTHY = 2;
  static final int STATUS_NOT_READY = 3;

  private MembershipCheck() {}

  /**
   * Network thread: hands the check to the owner thread, which answers {@code reply}; refuses with
   * {@link ForwardStatus#BUSY} when the owner's queue is full.
   */
  static void onForward(byte[] payload, ForwardReply reply, Predicate<RaftOwner.Command> toOwner) {
    ConfChange cc;
    try {
      cc = ConfChangeCodec.decode(payload);
    } catch (RuntimeException e) {
      reply.refuse(ForwardStatus.FAILED);
      return;
    }
    if (!toOwner.test(owner -> reply.complete(answer(owner, cc)))) {
      reply.refuse(ForwardStatus.BUSY);
    }
  }

  /** Owner thread: the answer for {@code cc}. */
  private static byte[] answer(RaftOwner owner, ConfChange cc) {
    if (owner.raft().role() != StateRole.LEADER) {
      return new byte[] {STATUS_NOT_LEADER};
    }
    return encode(NodeCluster.forwardedCheck(cc, owner.raft().status()));
  }

  static byte[] encode(EtchException refusal) {
    if (refusal == null) {
      return new byte[] {STATUS_OK};
    }
    return switch (refusal.kind()) {
      case UNHEALTHY_CLUSTER -> {
        UnhealthyClusterException u = (UnhealthyClusterException) refusal;
        byte[] op = u.operation().getBytes(StandardCharsets.UTF_8);
        yield ByteBuffer.allocate(1 + 4 + 4 + 2 + op.length)
            .put((byte) STATUS_UNHEALTHY)
            .putInt(u.reachableVoters())
            .putInt(u.requiredVoters())
            .putShort((short) op.length)
            .put(op)
            .array();
      }
      case LEARNER_NOT_READY -> {
        LearnerNotReadyException n = (LearnerNotReadyException) refusal;
        yield ByteBuffer.allocate(1 + 8 + 8 + 8)
            .put((byte) STATUS_NOT_READY)
            .putLong(n.memberId())
            .putLong(n.matchIndex())
            .putLong(n.leaderIndex())
            .array();
      }
      default ->
          throw new IllegalStateException("no wire form for a membership refusal " + refusal);
    };
  }

  /**
   * The leader's refusal in {@code answer}, or null when the change may be proposed (accepted, or
   * the peer no longer leads: the proposal then finds the leader through Raft, which checks it).
   *
   * @throws IllegalArgumentException when the answer does not decode
   */
  static EtchException refusal(byte[] answer) {
    ByteBuffer b = ByteBuffer.wrap(answer);
    try {
      int status = Byte.toUnsignedInt(b.get());
      return switch (status) {
        case STATUS_OK, STATUS_NOT_LEADER -> null;
        case STATUS_UNHEALTHY -> {
          int reachable = b.getInt();
          int required = b.getInt();
          byte[] op = new byte[Short.toUnsignedInt(b.getShort())];
          b.get(op);
          yield new UnhealthyClusterException(
              new String(op, StandardCharsets.UTF_8), reachable, required);
        }
        case STATUS_NOT_READY ->
            new LearnerNotReadyException(b.getLong(), b.getLong(), b.getLong());
        default -> throw new IllegalArgumentException("unknown membership check status " + status);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException(
          "membership check answer of " + answer.length + " bytes is truncated", e);
    }
  }
}
