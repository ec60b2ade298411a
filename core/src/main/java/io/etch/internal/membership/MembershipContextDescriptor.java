package io.etch.internal.membership;

/**
 * Byte layout of the context Etch puts in every membership change ({@code ConfChange.context()}),
 * little endian, read and written by {@link MembershipContext}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+-----------------------------------------------+
 *  | version (i8)  |  origin member id (i64): who proposed it ...  |
 *  +---------------+-----------------------------------------------+
 *  |  ... origin   |  request id (i64): the origin's pending id ...|
 *  +---------------+-----------------------------------------------+
 *  |  ... req id   |  subject member id (i64, all 64 bits) ...     |
 *  +---------------+-------------------------------+---------------+
 *  |  ... subject  |  name length (u16)            |  name (UTF-8) |
 *  +---------------+-------------------------------+---------------+
 *  |  host length (u16)            |  host (UTF-8) ...             |
 *  +-------------------------------+-------------------------------+
 *  |  port (i32)                                                   |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A promotion or removal carries an empty name and host and port 0: only additions introduce a
 * member's name and address, which every member then learns from the log (or the snapshot).
 */
public final class MembershipContextDescriptor {
  public static final int VERSION = 1;
  public static final int VERSION_OFFSET = 0;
  public static final int ORIGIN_OFFSET = 1;
  public static final int REQUEST_ID_OFFSET = 9;
  public static final int MEMBER_ID_OFFSET = 17;
  public static final int NAME_LENGTH_OFFSET = 25;
  public static final int NAME_OFFSET = 27;

  /** Bytes of a context with an empty name and host. */
  public static final int MIN_BYTES = NAME_OFFSET + 2 + 4;

  /** Longest name or host, in UTF-8 bytes. */
  public static final int MAX_STRING_BYTES = 1024;

  private MembershipContextDescriptor() {}
}
