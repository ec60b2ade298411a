package io.etch.transport.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads the fixed header of a {@link MessageDescriptor} body in place, without copying, so a
 * receiver can check who sent a message to whom before decoding its payload. Reuse one instance per
 * channel; it holds no reference past {@link #wrap} callers' frame.
 */
public final class MessageFlyweight {
  private ByteBuf buffer;
  private int offset;

  /** Points this flyweight at a body starting at {@code offset} (absolute index). */
  public MessageFlyweight wrap(ByteBuf buffer, int offset) {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  /** Forgets the buffer so nothing holds it past the handler. */
  public void unwrap() {
    this.buffer = null;
  }

  public int typeCode() {
    return buffer.getUnsignedByte(offset + MessageDescriptor.TYPE_OFFSET);
  }

  public int flags() {
    return buffer.getUnsignedByte(offset + MessageDescriptor.FLAGS_OFFSET);
  }

  public long from() {
    return buffer.getLong(offset + MessageDescriptor.FROM_OFFSET);
  }

  public long to() {
    return buffer.getLong(offset + MessageDescriptor.TO_OFFSET);
  }

  public long term() {
    return buffer.getLong(offset + MessageDescriptor.TERM_OFFSET);
  }

  public long logTerm() {
    return buffer.getLong(offset + MessageDescriptor.LOG_TERM_OFFSET);
  }

  public long index() {
    return buffer.getLong(offset + MessageDescriptor.INDEX_OFFSET);
  }

  public long commit() {
    return buffer.getLong(offset + MessageDescriptor.COMMIT_OFFSET);
  }

  public long rejectHint() {
    return buffer.getLong(offset + MessageDescriptor.REJECT_HINT_OFFSET);
  }
}
