package io.etch.internal.request;

import static io.etch.internal.request.RequestDescriptor.BYTE_ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A flyweight over the fixed 20-byte request header ({@link RequestDescriptor}). Wrap a buffer at
 * an offset, then read or write fields in place; it holds no state of its own besides the position,
 * so one instance can be reused for every request. Reads do not check bounds: the {@link
 * RequestDecoder} checks the length before wrapping.
 */
public final class RequestHeaderFlyweight {
  private DirectBuffer buffer;
  private MutableDirectBuffer mutableBuffer;
  private int offset;

  /** Wraps {@code buffer} for reading at {@code offset}. */
  public RequestHeaderFlyweight wrap(DirectBuffer buffer, int offset) {
    this.buffer = buffer;
    this.mutableBuffer = null;
    this.offset = offset;
    return this;
  }

  /** Wraps {@code buffer} for reading and writing at {@code offset}. */
  public RequestHeaderFlyweight wrap(MutableDirectBuffer buffer, int offset) {
    this.buffer = buffer;
    this.mutableBuffer = buffer;
    this.offset = offset;
    return this;
  }

  public int version() {
    return buffer.getByte(offset + RequestDescriptor.VERSION_OFFSET) & 0xFF;
  }

  public int kindCode() {
    return buffer.getByte(offset + RequestDescriptor.KIND_OFFSET) & 0xFF;
  }

  public int reserved() {
    return buffer.getShort(offset + RequestDescriptor.RESERVED_OFFSET, BYTE_ORDER) & 0xFFFF;
  }

  public long memberId() {
    return buffer.getLong(offset + RequestDescriptor.MEMBER_ID_OFFSET, BYTE_ORDER);
  }

  public long requestId() {
    return buffer.getLong(offset + RequestDescriptor.REQUEST_ID_OFFSET, BYTE_ORDER);
  }

  /** Writes the whole header: current version, {@code kind}, reserved 0 and the ids. */
  public RequestHeaderFlyweight write(RequestKind kind, long memberId, long requestId) {
    MutableDirectBuffer out = mutable();
    out.putByte(offset + RequestDescriptor.VERSION_OFFSET, RequestDescriptor.VERSION);
    out.putByte(offset + RequestDescriptor.KIND_OFFSET, (byte) kind.code());
    out.putShort(offset + RequestDescriptor.RESERVED_OFFSET, (short) 0, BYTE_ORDER);
    out.putLong(offset + RequestDescriptor.MEMBER_ID_OFFSET, memberId, BYTE_ORDER);
    out.putLong(offset + RequestDescriptor.REQUEST_ID_OFFSET, requestId, BYTE_ORDER);
    return this;
  }

  private MutableDirectBuffer mutable() {
    if (mutableBuffer == null) {
      throw new IllegalStateException("the header flyweight wraps a read-only buffer");
    }
    return mutableBuffer;
  }
}
