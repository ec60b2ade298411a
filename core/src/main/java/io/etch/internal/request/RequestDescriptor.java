package io.etch.internal.request;

import java.nio.ByteOrder;

/**
 * The byte layout of a replicated request: the opaque payload of a Raft entry. All integers are
 * little-endian ({@link #BYTE_ORDER}).
 *
 * <h2>Header (20 bytes, {@link RequestHeaderFlyweight})</h2>
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |   version     |     kind      |       reserved (0, u16)       |  0
 *  +---------------+---------------+-------------------------------+
 *  |                  origin member id (i64)                       |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  request id (i64)                             | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  body (kind specific) ...                     | 20
 * </pre>
 *
 * <p>A request is identified by the pair (origin member id, request id): the member that accepted
 * it from the user and that member's own sequence ({@link RequestIdGenerator}). Two members can
 * pick the same request id, never the same pair, so the dedup table keys on the pair. The origin
 * member also completes the waiting future when it applies the entry.
 *
 * <h2>Primitives of a body</h2>
 *
 * <pre>
 *  bytes      := length:i32 (&gt;= 0) | length bytes
 *  optBytes   := length:i32 (-1 = absent, else &gt;= 0) | length bytes
 *  flags      := u8, one bit per boolean option (bit 0 first); unknown bits are rejected
 * </pre>
 *
 * <h2>Bodies</h2>
 *
 * <pre>
 *  PUT              := put
 *  DELETE_RANGE     := delete
 *  TXN              := txn
 *  COMPACT          := revision:i64 | flags(physical)
 *  LEASE_GRANT      := leaseId:i64 | ttlSeconds:i64
 *  LEASE_REVOKE     := leaseId:i64
 *  LEASE_CHECKPOINT := count:i32 | count x (leaseId:i64 | remainingTtlMs:i64)
 *  ALARM            := action:u8 (0 activate, 1 deactivate) | memberId:i64 | alarmType:u8
 *
 *  put     := key:bytes | value:bytes | leaseId:i64 | flags(prevKv, ignoreValue, ignoreLease)
 *  delete  := key:bytes | endKey:optBytes | flags(prefix, fromKey, prevKv)
 *  get     := key:bytes | endKey:optBytes | flags(prefix, fromKey, serializable, keysOnly,
 *             countOnly) | limit:i64 | revision:i64 | sortOrder:u8 | sortField:u8
 *             | minMod:i64 | maxMod:i64 | minCreate:i64 | maxCreate:i64
 *  txn     := cmpCount:i32 | cmp* | thenCount:i32 | op* | elseCount:i32 | op*
 *  cmp     := key:bytes | rangeEnd:bytes | result:u8 | target:u8
 *             | (target = VALUE ? operand:bytes : operand:i64)
 *  op      := type:u8 (0 put, 1 get, 2 delete, 3 txn) | put | get | delete | txn
 * </pre>
 *
 * Enum values are written as their ordinal in the public enum ({@code Cmp.Result}, {@code
 * CmpTarget.Type}, {@code GetOption.SortOrder}, {@code GetOption.SortTarget}, {@code AlarmType});
 * new constants may only be appended. A payload must end exactly where its body ends.
 *
 * <p><b>Versioning</b>: a decoder accepts {@link #VERSION} only and names any other; a new layout
 * takes a new version, a new request a new {@link RequestKind} code.
 */
public final class RequestDescriptor {
  /** Byte order of every integer. */
  public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

  /** The layout version this code writes and reads. */
  public static final byte VERSION = 1;

  public static final int VERSION_OFFSET = 0;
  public static final int KIND_OFFSET = 1;
  public static final int RESERVED_OFFSET = 2;
  public static final int MEMBER_ID_OFFSET = 4;
  public static final int REQUEST_ID_OFFSET = 12;
  public static final int HEADER_LENGTH = 20;

  /** The {@code optBytes} length that means "absent". */
  public static final int ABSENT = -1;

  static final int OP_PUT = 0;
  static final int OP_GET = 1;
  static final int OP_DELETE = 2;
  static final int OP_TXN = 3;

  static final int ALARM_ACTIVATE = 0;
  static final int ALARM_DEACTIVATE = 1;

  private RequestDescriptor() {}
}
