package io.etch.internal.request;

import static io.etch.internal.request.RequestDescriptor.BYTE_ORDER;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.storage.mvcc.PutRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decodes an entry payload ({@link RequestDescriptor}) into a {@link Request}.
 *
 * <p>A payload comes from the log, so it is treated as untrusted: every length and count is checked
 * against the bytes that remain <em>before</em> anything is allocated, and against the {@link
 * RequestLimits}; enum ordinals, flag bits, the version and the kind are checked; the options are
 * rebuilt through the public builders, whose checks apply too; the payload must end exactly where
 * the body ends. Any failure is a {@link DecodingException} (codec {@value #CODEC}) whose message
 * names the field and its byte offset — never an index exception or an {@link OutOfMemoryError}.
 * Every member decodes the same bytes the same way, so the applier can treat a {@code
 * DecodingException} as a deterministic no-op entry.
 *
 * <p>Not thread-safe (it reuses a buffer wrapper); use one decoder per thread.
 */
public final class RequestDecoder {
  /** The codec name {@link DecodingException#codec()} reports. */
  public static final String CODEC = "etch-request";

  private static final int MIN_CMP_BYTES = 4 + 4 + 1 + 1 + 4;
  private static final int MIN_OP_BYTES = 1 + 4 + 4;

  private final RequestLimits limits;
  private final UnsafeBuffer wrapper = new UnsafeBuffer(new byte[0]);
  private final RequestHeaderFlyweight headerFlyweight = new RequestHeaderFlyweight();
  private DirectBuffer buffer;
  private int start;
  private int end;
  private int position;

  public RequestDecoder(RequestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Decodes a whole payload. */
  public Request decode(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    wrapper.wrap(payload);
    return decode(wrapper, 0, payload.length);
  }

  /**
   * Decodes a whole payload for the applier into {@code out}: a put straight into the store's
   * {@link PutRequest} (no {@link Op} tree, no option objects, no header object), every other kind
   * as {@link #decode(byte[])} would. Accepts and rejects exactly the payloads {@link
   * #decode(byte[])} does, with the same {@link DecodingException}; a put comes out as the {@link
   * PutRequest} the applier would have mapped {@link #decode(byte[])}'s {@link Op.PutOp} into.
   */
  public void decodeForApply(byte[] payload, AppliedRequest out) {
    Objects.requireNonNull(payload, "payload");
    wrapper.wrap(payload);
    this.buffer = wrapper;
    this.start = 0;
    this.end = payload.length;
    this.position = 0;
    try {
      RequestKind kind = header();
      if (kind == RequestKind.PUT) {
        long memberId = headerFlyweight.memberId();
        long requestId = headerFlyweight.requestId();
        PutRequest put = storePut();
        requireEnd();
        out.put(memberId, requestId, put);
      } else {
        Request request = body(kind);
        requireEnd();
        out.other(request);
      }
    } finally {
      this.buffer = null;
    }
  }

  /** Decodes the {@code length} bytes of {@code source} at {@code offset}. */
  public Request decode(DirectBuffer source, int offset, int length) {
    Objects.requireNonNull(source, "source");
    if (offset < 0 || length < 0 || (long) offset + length > source.capacity()) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " and length "
              + length
              + " outside a buffer of "
              + source.capacity());
    }
    this.buffer = source;
    this.start = offset;
    this.end = offset + length;
    this.position = offset;
    try {
      return decodeRequest();
    } finally {
      this.buffer = null;
    }
  }

  private Request decodeRequest() {
    Request request = body(header());
    requireEnd();
    return request;
  }

  /** Checks the header at {@code start} and positions after it; returns the kind. */
  private RequestKind header() {
    require("header", RequestDescriptor.HEADER_LENGTH);
    headerFlyweight.wrap(buffer, start);
    if (headerFlyweight.version() != RequestDescriptor.VERSION) {
      throw fail(
          "version",
          start,
          "unsupported version "
              + headerFlyweight.version()
              + ", this code reads "
              + RequestDescriptor.VERSION);
    }
    RequestKind kind = RequestKind.ofCode(headerFlyweight.kindCode());
    if (kind == null) {
      throw fail("kind", start + 1, "unknown request kind " + headerFlyweight.kindCode());
    }
    if (headerFlyweight.reserved() != 0) {
      throw fail("reserved", start + 2, "reserved bits set: " + headerFlyweight.reserved());
    }
    position = start + RequestDescriptor.HEADER_LENGTH;
    return kind;
  }

  /** The body of a request of {@code kind} at {@code position} (after the header). */
  private Request body(RequestKind kind) {
    RequestHeader header =
        new RequestHeader(headerFlyweight.memberId(), headerFlyweight.requestId());
    return switch (kind) {
      case PUT -> new Request.Put(header, putOp());
      case DELETE_RANGE -> new Request.DeleteRange(header, deleteOp());
      case TXN -> new Request.Txn(header, txnOp(1));
      case COMPACT -> {
        long revision = getLong("compact.revision");
        boolean physical = (flags("compact.flags", 1) & 1) != 0;
        yield new Request.Compact(header, revision, physical);
      }
      case LEASE_GRANT -> {
        long leaseId = getLong("leaseGrant.leaseId");
        long ttlSeconds = getLong("leaseGrant.ttlSeconds");
        yield new Request.LeaseGrant(header, leaseId, ttlSeconds);
      }
      case LEASE_REVOKE -> new Request.LeaseRevoke(header, getLong("leaseRevoke.leaseId"));
      case LEASE_CHECKPOINT -> new Request.LeaseCheckpoints(header, checkpoints());
      case ALARM -> alarm(header);
    };
  }

  private void requireEnd() {
    if (position != end) {
      throw fail("end", position, (end - position) + " trailing bytes after the body");
    }
  }

  private Request.Alarm alarm(RequestHeader header) {
    int actionAt = position;
    int action = getByte("alarm.action");
    if (action != RequestDescriptor.ALARM_ACTIVATE
        && action != RequestDescriptor.ALARM_DEACTIVATE) {
      throw fail("alarm.action", actionAt, "unknown alarm action " + action);
    }
    long memberId = getLong("alarm.memberId");
    AlarmType type = ordinal("alarm.type", AlarmType.values());
    return new Request.Alarm(
        header, action == RequestDescriptor.ALARM_ACTIVATE, new AlarmMember(memberId, type));
  }

  private List<LeaseCheckpoint> checkpoints() {
    int count = count("checkpoints.count", limits.maxCheckpoints(), 2 * Long.BYTES);
    List<LeaseCheckpoint> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long leaseId = getLong("checkpoints[" + i + "].leaseId");
      int at = position;
      long remainingTtlMs = getLong("checkpoints[" + i + "].remainingTtlMs");
      if (remainingTtlMs < 0) {
        throw fail(
            "checkpoints[" + i + "].remainingTtlMs",
            at,
            "negative remaining TTL " + remainingTtlMs);
      }
      out.add(new LeaseCheckpoint(leaseId, remainingTtlMs));
    }
    return out;
  }

  /**
   * A put body straight as the store's request. The common put (no flags, a lease id that is not
   * negative, a key) passes every check the builders make, so it is built at once; any other goes
   * through {@link #putOp(int, ByteSequence, ByteSequence, long, int)}, the builders' checks and
   * their errors included, and is mapped field by field.
   */
  private PutRequest storePut() {
    int at = position;
    byte[] key = rawBytes("put.key", limits.maxKeyBytes());
    byte[] value = rawBytes("put.value", limits.maxValueBytes());
    long leaseId = getLong("put.leaseId");
    int flags = flags("put.flags", 3);
    if (flags == 0 && leaseId >= 0 && key.length > 0) {
      return new PutRequest(key, value, leaseId, false, false, false);
    }
    Op.PutOp op = putOp(at, ByteSequence.wrap(key), ByteSequence.wrap(value), leaseId, flags);
    PutOption option = op.option();
    return new PutRequest(
        op.key().unsafeBytes(),
        op.value().unsafeBytes(),
        option.leaseId(),
        option.isPrevKv(),
        option.isIgnoreValue(),
        option.isIgnoreLease());
  }

  private Op.PutOp putOp() {
    int at = position;
    ByteSequence key = bytes("put.key", limits.maxKeyBytes());
    ByteSequence value = bytes("put.value", limits.maxValueBytes());
    long leaseId = getLong("put.leaseId");
    int flags = flags("put.flags", 3);
    return putOp(at, key, value, leaseId, flags);
  }

  /** A put op from its decoded fields, through the builders and their checks. */
  private Op.PutOp putOp(int at, ByteSequence key, ByteSequence value, long leaseId, int flags) {
    if (flags == 0 && leaseId == 0) {
      // the common put: the shared default options (what the builder would build, checks passed)
      try {
        return Op.put(key, value, PutOption.DEFAULT);
      } catch (InvalidArgumentException e) {
        throw fail("put", at, e.getMessage());
      }
    }
    PutOption.Builder option = PutOption.builder().withLeaseId(leaseId);
    if ((flags & 1) != 0) {
      option.withPrevKV();
    }
    if ((flags & 2) != 0) {
      option.withIgnoreValue();
    }
    if ((flags & 4) != 0) {
      option.withIgnoreLease();
    }
    try {
      return Op.put(key, value, option.build());
    } catch (InvalidArgumentException e) {
      throw fail("put", at, e.getMessage());
    }
  }

  private Op.DeleteOp deleteOp() {
    int at = position;
    ByteSequence key = bytes("delete.key", limits.maxKeyBytes());
    ByteSequence endKey = optBytes("delete.endKey", limits.maxKeyBytes());
    int flags = flags("delete.flags", 3);
    DeleteOption.Builder option =
        DeleteOption.builder()
            .isPrefix((flags & 1) != 0)
            .withFromKey((flags & 2) != 0)
            .withPrevKV((flags & 4) != 0);
    if (endKey != null) {
      option.withRange(endKey);
    }
    try {
      return Op.delete(key, option.build());
    } catch (InvalidArgumentException e) {
      throw fail("delete", at, e.getMessage());
    }
  }

  private Op.GetOp getOp() {
    int at = position;
    ByteSequence key = bytes("get.key", limits.maxKeyBytes());
    ByteSequence endKey = optBytes("get.endKey", limits.maxKeyBytes());
    int flags = flags("get.flags", 5);
    long limit = getLong("get.limit");
    long revision = getLong("get.revision");
    GetOption.SortOrder sortOrder = ordinal("get.sortOrder", GetOption.SortOrder.values());
    GetOption.SortTarget sortField = ordinal("get.sortField", GetOption.SortTarget.values());
    long minMod = getLong("get.minModRevision");
    long maxMod = getLong("get.maxModRevision");
    long minCreate = getLong("get.minCreateRevision");
    long maxCreate = getLong("get.maxCreateRevision");
    GetOption.Builder option =
        GetOption.builder()
            .isPrefix((flags & 1) != 0)
            .withFromKey((flags & 2) != 0)
            .withSerializable((flags & 4) != 0)
            .withKeysOnly((flags & 8) != 0)
            .withCountOnly((flags & 16) != 0)
            .withLimit(limit)
            .withRevision(revision)
            .withSortOrder(sortOrder)
            .withSortField(sortField)
            .withMinModRevision(minMod)
            .withMaxModRevision(maxMod)
            .withMinCreateRevision(minCreate)
            .withMaxCreateRevision(maxCreate);
    if (endKey != null) {
      option.withRange(endKey);
    }
    try {
      return Op.get(key, option.build());
    } catch (InvalidArgumentException e) {
      throw fail("get", at, e.getMessage());
    }
  }

  private Op.TxnOp txnOp(int depth) {
    if (depth > limits.maxTxnDepth()) {
      throw fail(
          "txn",
          position,
          "transactions nest at most " + limits.maxTxnDepth() + " levels deep, got " + depth);
    }
    int cmpCount = count("txn.compares.count", limits.maxTxnOps(), MIN_CMP_BYTES);
    List<Cmp> compares = new ArrayList<>(cmpCount);
    for (int i = 0; i < cmpCount; i++) {
      compares.add(cmp());
    }
    List<Op> thenOps = ops("txn.then", depth);
    List<Op> elseOps = ops("txn.else", depth);
    return new Op.TxnOp(compares, thenOps, elseOps);
  }

  private List<Op> ops(String field, int depth) {
    int count = count(field, ".count", limits.maxTxnOps(), MIN_OP_BYTES);
    List<Op> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int at = position;
      require(field, ".op.type", Byte.BYTES);
      int type = getByte(field);
      ops.add(
          switch (type) {
            case RequestDescriptor.OP_PUT -> putOp();
            case RequestDescriptor.OP_GET -> getOp();
            case RequestDescriptor.OP_DELETE -> deleteOp();
            case RequestDescriptor.OP_TXN -> txnOp(depth + 1);
            default -> throw fail(field + ".op.type", at, "unknown op type " + type);
          });
    }
    return ops;
  }

  private Cmp cmp() {
    int at = position;
    ByteSequence key = bytes("cmp.key", limits.maxKeyBytes());
    ByteSequence rangeEnd = bytes("cmp.rangeEnd", limits.maxKeyBytes());
    Cmp.Result result = ordinal("cmp.result", Cmp.Result.values());
    CmpTarget.Type type = ordinal("cmp.target", CmpTarget.Type.values());
    CmpTarget<?> target =
        switch (type) {
          case VALUE -> CmpTarget.value(bytes("cmp.value", limits.maxValueBytes()));
          case VERSION -> CmpTarget.version(getLong("cmp.version"));
          case CREATE -> CmpTarget.createRevision(getLong("cmp.createRevision"));
          case MOD -> CmpTarget.modRevision(getLong("cmp.modRevision"));
          case LEASE -> CmpTarget.lease(getLong("cmp.lease"));
        };
    try {
      return new Cmp(new KeyRange(key, rangeEnd), result, target);
    } catch (InvalidArgumentException e) {
      throw fail("cmp", at, e.getMessage());
    }
  }

  private ByteSequence bytes(String field, int maxBytes) {
    int at = position;
    require(field, ".length", Integer.BYTES);
    int length = getInt(field);
    return bytesOf(field, at, length, maxBytes);
  }

  private ByteSequence optBytes(String field, int maxBytes) {
    int at = position;
    require(field, ".length", Integer.BYTES);
    int length = getInt(field);
    if (length == RequestDescriptor.ABSENT) {
      return null;
    }
    return bytesOf(field, at, length, maxBytes);
  }

  private byte[] rawBytes(String field, int maxBytes) {
    int at = position;
    require(field, ".length", Integer.BYTES);
    int length = getInt(field);
    return rawBytesOf(field, at, length, maxBytes);
  }

  private ByteSequence bytesOf(String field, int at, int length, int maxBytes) {
    return ByteSequence.wrap(rawBytesOf(field, at, length, maxBytes));
  }

  private byte[] rawBytesOf(String field, int at, int length, int maxBytes) {
    if (length < 0) {
      throw fail(field, at, "negative length " + length);
    }
    if (length > maxBytes) {
      throw fail(field, at, "length " + length + " is above the limit of " + maxBytes);
    }
    require(field, length);
    byte[] out = new byte[length];
    buffer.getBytes(position, out);
    position += length;
    return out;
  }

  /** Reads a count and checks it against {@code limit} and the bytes its elements need at least. */
  private int count(String field, int limit, int minElementBytes) {
    return count(field, "", limit, minElementBytes);
  }

  /** As {@link #count(String, int, int)} for the field named {@code field + suffix}. */
  private int count(String parent, String suffix, int limit, int minElementBytes) {
    int at = position;
    require(parent, suffix, Integer.BYTES);
    int count = getInt(parent);
    if (count < 0 || count > limit || (long) count * minElementBytes > end - position) {
      return badCount(parent + suffix, at, count, limit, minElementBytes);
    }
    return count;
  }

  private int badCount(String field, int at, int count, int limit, int minElementBytes) {
    if (count < 0) {
      throw fail(field, at, "negative count " + count);
    }
    if (count > limit) {
      throw fail(field, at, "count " + count + " is above the limit of " + limit);
    }
    if ((long) count * minElementBytes > end - position) {
      throw fail(
          field,
          at,
          "count "
              + count
              + " needs at least "
              + (long) count * minElementBytes
              + " bytes, "
              + (end - position)
              + " remain");
    }
    return count;
  }

  private int flags(String field, int bits) {
    int at = position;
    int flags = getByte(field);
    if ((flags & ~((1 << bits) - 1)) != 0) {
      throw fail(field, at, "unknown flag bits in " + Integer.toBinaryString(flags));
    }
    return flags;
  }

  private <E extends Enum<E>> E ordinal(String field, E[] values) {
    int at = position;
    int ordinal = getByte(field);
    if (ordinal >= values.length) {
      throw fail(field, at, "unknown value " + ordinal + " (" + values.length + " known)");
    }
    return values[ordinal];
  }

  private int getByte(String field) {
    require(field, Byte.BYTES);
    int value = buffer.getByte(position) & 0xFF;
    position += Byte.BYTES;
    return value;
  }

  private int getInt(String field) {
    require(field, Integer.BYTES);
    int value = buffer.getInt(position, BYTE_ORDER);
    position += Integer.BYTES;
    return value;
  }

  private long getLong(String field) {
    require(field, Long.BYTES);
    long value = buffer.getLong(position, BYTE_ORDER);
    position += Long.BYTES;
    return value;
  }

  private void require(String field, int bytes) {
    if (bytes > end - position) {
      throw fail(field, position, "needs " + bytes + " bytes, " + (end - position) + " remain");
    }
  }

  /**
   * As {@link #require(String, int)} for the field {@code parent + suffix}, named only on failure.
   */
  private void require(String parent, String suffix, int bytes) {
    if (bytes > end - position) {
      require(parent + suffix, bytes);
    }
  }

  private DecodingException fail(String field, int at, String reason) {
    return new DecodingException(
        CODEC, end - start, "field " + field + " at offset " + (at - start) + ": " + reason);
  }
}
