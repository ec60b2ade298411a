package io.etch.internal.request;

import io.etch.maintenance.AlarmMember;
import io.etch.op.Op;
import java.util.List;
import java.util.Objects;

/**
 * A state-changing request as it travels through Raft: decoded from, and encoded into, an entry's
 * payload by {@link RequestDecoder} and {@link RequestEncoder}. Switch on {@link #kind()} to apply
 * it.
 */
public sealed interface Request
    permits Request.Put,
        Request.DeleteRange,
        Request.Txn,
        Request.Compact,
        Request.LeaseGrant,
        Request.LeaseRevoke,
        Request.LeaseCheckpoints,
        Request.Alarm {

  RequestHeader header();

  RequestKind kind();

  /** A put (etcd's PutRequest). */
  record Put(RequestHeader header, Op.PutOp op) implements Request {
    public Put {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(op, "op");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.PUT;
    }
  }

  /** A delete of a key or range (etcd's DeleteRangeRequest). */
  record DeleteRange(RequestHeader header, Op.DeleteOp op) implements Request {
    public DeleteRange {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(op, "op");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.DELETE_RANGE;
    }
  }

  /** A transaction; its branches may hold gets and nested transactions. */
  record Txn(RequestHeader header, Op.TxnOp op) implements Request {
    public Txn {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(op, "op");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.TXN;
    }
  }

  /** A compaction to {@code revision}; {@code physical} as {@code CompactOption}. */
  record Compact(RequestHeader header, long revision, boolean physical) implements Request {
    public Compact {
      Objects.requireNonNull(header, "header");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.COMPACT;
    }
  }

  /**
   * A lease grant. {@code leaseId} 0 asks for any free id: every member picks the same one at apply
   * time (the first id at or after the request id that is not a live lease), since the lease table
   * is replicated.
   */
  record LeaseGrant(RequestHeader header, long leaseId, long ttlSeconds) implements Request {
    public LeaseGrant {
      Objects.requireNonNull(header, "header");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.LEASE_GRANT;
    }
  }

  /** A lease revoke, from the user or from the leader's expiry. */
  record LeaseRevoke(RequestHeader header, long leaseId) implements Request {
    public LeaseRevoke {
      Objects.requireNonNull(header, "header");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.LEASE_REVOKE;
    }
  }

  /** The remaining TTLs of some leases, from the leader's checkpointing. */
  record LeaseCheckpoints(RequestHeader header, List<LeaseCheckpoint> checkpoints)
      implements Request {
    public LeaseCheckpoints {
      Objects.requireNonNull(header, "header");
      checkpoints = List.copyOf(checkpoints);
    }

    @Override
    public RequestKind kind() {
      return RequestKind.LEASE_CHECKPOINT;
    }
  }

  /** Raise ({@code activate}) or disarm an alarm for a member (etcd's AlarmRequest). */
  record Alarm(RequestHeader header, boolean activate, AlarmMember alarm) implements Request {
    public Alarm {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(alarm, "alarm");
    }

    @Override
    public RequestKind kind() {
      return RequestKind.ALARM;
    }
  }
}
