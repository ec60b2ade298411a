package io.etch.internal.node;

import io.etch.raft.Message;
import io.etch.transport.ForwardReply;
import io.etch.transport.ForwardStatus;
import io.etch.transport.Inbound;
import java.nio.file.Path;

/**
 * What the transport delivers, split by receiver: Raft traffic to the owner thread, forwarded calls
 * by kind (lease keep-alive and time-to-live to the {@link LeaseDriver}, a membership check to the
 * owner thread: {@link MembershipCheck}). Netty threads: every receiver only enqueues.
 */
final class NodeInbound implements Inbound {
  private final RaftOwner owner;
  private final LeaseDriver leases;

  NodeInbound(RaftOwner owner, LeaseDriver leases) {
    this.owner = owner;
    this.leases = leases;
  }

  @Override
  public boolean offer(Message message) {
    return owner.offer(message);
  }

  @Override
  public void onSnapshot(Message snapMessage, Path receivedFile) {
    owner.onSnapshot(snapMessage, receivedFile);
  }

  @Override
  public void onForward(long fromMemberId, int kind, byte[] payload, ForwardReply reply) {
    switch (kind) {
      case LeaseCallDescriptor.KIND_KEEP_ALIVE, LeaseCallDescriptor.KIND_TIME_TO_LIVE ->
          leases.onForward(kind, payload, reply);
      case MembershipCheck.KIND -> MembershipCheck.onForward(payload, reply, owner::submit);
      default -> reply.refuse(ForwardStatus.UNSUPPORTED);
    }
  }
}
