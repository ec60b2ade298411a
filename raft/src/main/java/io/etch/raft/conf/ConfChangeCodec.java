package io.etch.raft.conf;

import static io.etch.raft.conf.ConfChangeDescriptor.CONTEXT_LENGTH_OFFSET;
import static io.etch.raft.conf.ConfChangeDescriptor.HEADER_LENGTH;
import static io.etch.raft.conf.ConfChangeDescriptor.MAX_CONTEXT_LENGTH;
import static io.etch.raft.conf.ConfChangeDescriptor.NODE_ID_OFFSET;
import static io.etch.raft.conf.ConfChangeDescriptor.TYPE_OFFSET;
import static io.etch.raft.conf.ConfChangeDescriptor.VERSION;
import static io.etch.raft.conf.ConfChangeDescriptor.VERSION_OFFSET;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight over an encoded {@link ConfChange} (layout in {@link ConfChangeDescriptor}), plus
 * encoding to a fresh byte array for an entry payload.
 */
public final class ConfChangeCodec {
  private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
  private int length;

  /** Wraps an encoded conf change; validates the header and the length. */
  public ConfChangeCodec wrap(byte[] bytes) {
    buffer.wrap(bytes);
    length = bytes.length;
    if (length < HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "conf change payload too short: " + length + " < " + HEADER_LENGTH);
    }
    if (buffer.getByte(VERSION_OFFSET) != VERSION) {
      throw new IllegalArgumentException(
          "unknown conf change version " + buffer.getByte(VERSION_OFFSET));
    }
    int ctx = contextLength();
    if (ctx < 0 || ctx > MAX_CONTEXT_LENGTH || HEADER_LENGTH + ctx != length) {
      throw new IllegalArgumentException(
          "conf change context length " + ctx + " does not fit payload of " + length + " bytes");
    }
    return this;
  }

  public ConfChangeType type() {
    return ConfChangeType.fromCode(buffer.getByte(TYPE_OFFSET));
  }

  public long nodeId() {
    return buffer.getLong(NODE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
  }

  public int contextLength() {
    return buffer.getInt(CONTEXT_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
  }

  public DirectBuffer buffer() {
    return buffer;
  }

  /** Decodes the wrapped change into a value. */
  public ConfChange toConfChange() {
    byte[] ctx = new byte[contextLength()];
    buffer.getBytes(HEADER_LENGTH, ctx);
    return new ConfChange(type(), nodeId(), ctx);
  }

  /** Encodes a change into a new array. */
  public static byte[] encode(ConfChange cc) {
    if (cc.context().length > MAX_CONTEXT_LENGTH) {
      throw new IllegalArgumentException(
          "conf change context of "
              + cc.context().length
              + " bytes exceeds the limit of "
              + MAX_CONTEXT_LENGTH);
    }
    byte[] out = new byte[HEADER_LENGTH + cc.context().length];
    UnsafeBuffer b = new UnsafeBuffer(out);
    b.putByte(VERSION_OFFSET, VERSION);
    b.putByte(TYPE_OFFSET, (byte) cc.type().code());
    b.putLong(NODE_ID_OFFSET, cc.nodeId(), ByteOrder.LITTLE_ENDIAN);
    b.putInt(CONTEXT_LENGTH_OFFSET, cc.context().length, ByteOrder.LITTLE_ENDIAN);
    b.putBytes(HEADER_LENGTH, cc.context());
    return out;
  }

  /** Decodes a payload into a value. */
  public static ConfChange decode(byte[] bytes) {
    return new ConfChangeCodec().wrap(bytes).toConfChange();
  }
}
