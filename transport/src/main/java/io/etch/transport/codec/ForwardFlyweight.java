package io.etch.transport.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads the fixed header of a {@link ForwardFrameDescriptor} body in place. Reuse one instance per
 * channel; {@link #unwrap()} after the frame so nothing holds the buffer past the handler.
 */
public final class ForwardFlyweight {
  private ByteBuf buffer;
  private int offset;

  /** Points this flyweight at a body starting at {@code offset} (absolute index). */
  public ForwardFlyweight wrap(ByteBuf buffer, int offset) {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  public void unwrap() {
    this.buffer = null;
  }

  public long correlationId() {
    return buffer.getLong(offset + ForwardFrameDescriptor.CORRELATION_ID_OFFSET);
  }

  /** The kind of a request, or the status code of a response. */
  public int code() {
    return buffer.getUnsignedByte(offset + ForwardFrameDescriptor.CODE_OFFSET);
  }

  public int payloadLength() {
    return buffer.getInt(offset + ForwardFrameDescriptor.PAYLOAD_LENGTH_OFFSET);
  }

  /** Copies the payload out ({@code payloadLength()} bytes, checked by the caller). */
  public byte[] payload() {
    byte[] out = new byte[payloadLength()];
    buffer.getBytes(offset + ForwardFrameDescriptor.PAYLOAD_OFFSET, out);
    return out;
  }
}
