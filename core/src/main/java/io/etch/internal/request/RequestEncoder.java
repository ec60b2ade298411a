package io.etch.internal.request;

import static io.etch.internal.request.RequestDescriptor.BYTE_ORDER;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.RequestTooLargeException;
import io.etch.TooManyTxnOpsException;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.List;
import java.util.Objects;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes a {@link Request} into an entry payload laid out as {@link RequestDescriptor} draws it.
 *
 * <p>It refuses what {@link RequestDecoder} would refuse with the same {@link RequestLimits} — a
 * key, value, op count or nesting depth over its limit — so an entry that every member must apply
 * can always be decoded: a key or value too long gives {@link RequestTooLargeException}, too many
 * ops {@link TooManyTxnOpsException}, too deep a nesting {@link InvalidArgumentException}.
 *
 * <p>Not thread-safe: it reuses one growing buffer; use one encoder per thread. After encoding a
 * request larger than {@value #MAX_RETAINED_BYTES} bytes it lets that buffer go and starts the next
 * request in a small one, so an encoder kept per thread holds at most that much between requests.
 */
public final class RequestEncoder {
  private static final int INITIAL_CAPACITY = 512;

  /** The largest buffer an encoder keeps for its next request. */
  static final int MAX_RETAINED_BYTES = 64 * 1024;

  private final RequestLimits limits;
  private ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(INITIAL_CAPACITY);
  private final RequestHeaderFlyweight headerFlyweight = new RequestHeaderFlyweight();
  private int position;

  public RequestEncoder(RequestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The encoded payload of {@code request}, a fresh array the caller owns. */
  public byte[] encode(Request request) {
    Objects.requireNonNull(request, "request");
    position = 0;
    headerFlyweight
        .wrap(buffer, 0)
        .write(request.kind(), request.header().memberId(), request.header().requestId());
    position = RequestDescriptor.HEADER_LENGTH;
    switch (request.kind()) {
      case PUT -> putBody(((Request.Put) request).op());
      case DELETE_RANGE -> deleteBody(((Request.DeleteRange) request).op());
      case TXN -> txnBody(((Request.Txn) request).op(), 1);
      case COMPACT -> {
        Request.Compact compact = (Request.Compact) request;
        putLong(compact.revision());
        putByte(compact.physical() ? 1 : 0);
      }
      case LEASE_GRANT -> {
        Request.LeaseGrant grant = (Request.LeaseGrant) request;
        putLong(grant.leaseId());
        putLong(grant.ttlSeconds());
      }
      case LEASE_REVOKE -> putLong(((Request.LeaseRevoke) request).leaseId());
      case LEASE_CHECKPOINT -> checkpointsBody(((Request.LeaseCheckpoints) request).checkpoints());
      case ALARM -> {
        Request.Alarm alarm = (Request.Alarm) request;
        putByte(
            alarm.activate()
                ? RequestDescriptor.ALARM_ACTIVATE
                : RequestDescriptor.ALARM_DEACTIVATE);
        putLong(alarm.alarm().memberId());
        putByte(alarm.alarm().alarm().ordinal());
      }
    }
    byte[] out = new byte[position];
    buffer.getBytes(0, out);
    if (buffer.capacity() > MAX_RETAINED_BYTES) {
      buffer = new ExpandableArrayBuffer(INITIAL_CAPACITY);
    }
    return out;
  }

  private void checkpointsBody(List<LeaseCheckpoint> checkpoints) {
    if (checkpoints.size() > limits.maxCheckpoints()) {
      throw new IllegalArgumentException(
          "a LEASE_CHECKPOINT request carries at most "
              + limits.maxCheckpoints()
              + " checkpoints, got "
              + checkpoints.size());
    }
    putInt(checkpoints.size());
    for (LeaseCheckpoint checkpoint : checkpoints) {
      putLong(checkpoint.leaseId());
      putLong(checkpoint.remainingTtlMs());
    }
  }

  private void putBody(Op.PutOp op) {
    key(op.key());
    value(op.key(), op.value());
    PutOption option = op.option();
    putLong(option.leaseId());
    putByte(
        flag(option.isPrevKv(), 0)
            | flag(option.isIgnoreValue(), 1)
            | flag(option.isIgnoreLease(), 2));
  }

  private void deleteBody(Op.DeleteOp op) {
    key(op.key());
    DeleteOption option = op.option();
    optKey(option.endKey().orElse(null));
    putByte(flag(option.isPrefix(), 0) | flag(option.isFromKey(), 1) | flag(option.isPrevKv(), 2));
  }

  private void getBody(Op.GetOp op) {
    key(op.key());
    GetOption option = op.option();
    optKey(option.endKey().orElse(null));
    putByte(
        flag(option.isPrefix(), 0)
            | flag(option.isFromKey(), 1)
            | flag(option.isSerializable(), 2)
            | flag(option.isKeysOnly(), 3)
            | flag(option.isCountOnly(), 4));
    putLong(option.limit());
    putLong(option.revision());
    putByte(option.sortOrder().ordinal());
    putByte(option.sortField().ordinal());
    putLong(option.minModRevision());
    putLong(option.maxModRevision());
    putLong(option.minCreateRevision());
    putLong(option.maxCreateRevision());
  }

  private void txnBody(Op.TxnOp txn, int depth) {
    if (depth > limits.maxTxnDepth()) {
      throw new InvalidArgumentException(
          "txn",
          "transactions nest at most " + limits.maxTxnDepth() + " levels deep, got " + depth);
    }
    checkCount(txn.compares().size());
    checkCount(txn.thenOps().size());
    checkCount(txn.elseOps().size());
    putInt(txn.compares().size());
    for (Cmp cmp : txn.compares()) {
      cmpBody(cmp);
    }
    ops(txn.thenOps(), depth);
    ops(txn.elseOps(), depth);
  }

  private void ops(List<Op> ops, int depth) {
    putInt(ops.size());
    for (Op op : ops) {
      switch (op.type()) {
        case PUT -> {
          putByte(RequestDescriptor.OP_PUT);
          putBody((Op.PutOp) op);
        }
        case GET -> {
          putByte(RequestDescriptor.OP_GET);
          getBody((Op.GetOp) op);
        }
        case DELETE -> {
          putByte(RequestDescriptor.OP_DELETE);
          deleteBody((Op.DeleteOp) op);
        }
        case TXN -> {
          putByte(RequestDescriptor.OP_TXN);
          txnBody((Op.TxnOp) op, depth + 1);
        }
      }
    }
  }

  private void cmpBody(Cmp cmp) {
    key(cmp.range().key());
    key(cmp.range().rangeEnd());
    putByte(cmp.result().ordinal());
    CmpTarget<?> target = cmp.target();
    putByte(target.type().ordinal());
    if (target.type() == CmpTarget.Type.VALUE) {
      value(cmp.range().key(), target.valueOperand());
    } else {
      putLong(target.longOperand());
    }
  }

  private void checkCount(int count) {
    if (count > limits.maxTxnOps()) {
      throw new TooManyTxnOpsException(count, limits.maxTxnOps());
    }
  }

  private void key(ByteSequence key) {
    if (key.size() > limits.maxKeyBytes()) {
      throw new RequestTooLargeException(key, key.size(), limits.maxKeyBytes());
    }
    bytes(key);
  }

  private void optKey(ByteSequence key) {
    if (key == null) {
      putInt(RequestDescriptor.ABSENT);
    } else {
      key(key);
    }
  }

  private void value(ByteSequence key, ByteSequence value) {
    if (value.size() > limits.maxValueBytes()) {
      throw new RequestTooLargeException(key, value.size(), limits.maxValueBytes());
    }
    bytes(value);
  }

  private void bytes(ByteSequence bytes) {
    byte[] raw = bytes.unsafeBytes();
    putInt(raw.length);
    buffer.putBytes(position, raw);
    position += raw.length;
  }

  private static int flag(boolean set, int bit) {
    return set ? 1 << bit : 0;
  }

  private void putByte(int value) {
    buffer.putByte(position, (byte) value);
    position += Byte.BYTES;
  }

  private void putInt(int value) {
    buffer.putInt(position, value, BYTE_ORDER);
    position += Integer.BYTES;
  }

  private void putLong(long value) {
    buffer.putLong(position, value, BYTE_ORDER);
    position += Long.BYTES;
  }
}
