package io.etch.transport.codec;

import static io.etch.transport.codec.MessageDescriptor.ENTRY_HEADER_BYTES;
import static io.etch.transport.codec.MessageDescriptor.FIXED_HEADER_BYTES;
import static io.etch.transport.codec.MessageDescriptor.FLAG_REJECT;
import static io.etch.transport.codec.MessageDescriptor.FLAG_SNAPSHOT;
import static io.etch.transport.codec.MessageDescriptor.KNOWN_FLAGS;
import static io.etch.transport.codec.MessageDescriptor.SNAPSHOT_FIXED_BYTES;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link MessageDescriptor} bodies. Decoding copies every payload out of the
 * buffer into fresh arrays, so a decoded {@link Message} never refers to a {@link ByteBuf}.
 */
public final class MessageCodec {
  private MessageCodec() {}

  /**
   * Bytes of the body of {@code m}.
   *
   * @throws IllegalArgumentException for a local message type (they never cross the network)
   */
  public static long bodyBytes(Message m) {
    requireNonLocal(m.type());
    long n = FIXED_HEADER_BYTES + 4L + m.context().length + 4L;
    List<Entry> entries = m.entries();
    for (int i = 0; i < entries.size(); i++) {
      n += ENTRY_HEADER_BYTES + entries.get(i).data().length;
    }
    Snapshot s = m.snapshot();
    if (s != null) {
      ConfState c = s.metadata().confState();
      n +=
          SNAPSHOT_FIXED_BYTES
              + 8L
                  * (c.voters().length
                      + c.learners().length
                      + c.votersOutgoing().length
                      + c.learnersNext().length)
              + s.data().length;
    }
    return n;
  }

  /** Bytes of the whole MESSAGE frame carrying {@code m}, header included. */
  public static long frameBytes(Message m) {
    return FrameDescriptor.HEADER_BYTES + bodyBytes(m);
  }

  /**
   * Writes a complete MESSAGE frame (length, type, body) at the writer index of {@code out}.
   *
   * @throws FrameTooLargeException when the frame would exceed {@code maxFrameBytes}
   */
  public static void writeFrame(Message m, ByteBuf out, int maxFrameBytes) {
    long body = bodyBytes(m);
    long frameLength = 1 + body;
    if (frameLength > maxFrameBytes) {
      throw new FrameTooLargeException(frameLength, maxFrameBytes);
    }
    out.writeInt((int) frameLength);
    out.writeByte(FrameType.MESSAGE.code());
    writeBody(m, out);
  }

  /** Writes the body of {@code m} at the writer index of {@code out}. */
  public static void writeBody(Message m, ByteBuf out) {
    requireNonLocal(m.type());
    Snapshot s = m.snapshot();
    int flags = (m.reject() ? FLAG_REJECT : 0) | (s != null ? FLAG_SNAPSHOT : 0);
    out.writeByte(m.type().code());
    out.writeByte(flags);
    out.writeLong(m.from());
    out.writeLong(m.to());
    out.writeLong(m.term());
    out.writeLong(m.logTerm());
    out.writeLong(m.index());
    out.writeLong(m.commit());
    out.writeLong(m.rejectHint());
    out.writeInt(m.context().length);
    out.writeBytes(m.context());
    List<Entry> entries = m.entries();
    out.writeInt(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      out.writeLong(e.term());
      out.writeLong(e.index());
      out.writeByte(e.type().code());
      out.writeInt(e.data().length);
      out.writeBytes(e.data());
    }
    if (s != null) {
      SnapshotMetadata md = s.metadata();
      out.writeLong(md.index());
      out.writeLong(md.term());
      ConfState c = md.confState();
      writeIds(c.voters(), out);
      writeIds(c.learners(), out);
      writeIds(c.votersOutgoing(), out);
      writeIds(c.learnersNext(), out);
      out.writeByte(c.autoLeave() ? 1 : 0);
      out.writeInt(s.data().length);
      out.writeBytes(s.data());
    }
  }

  private static void writeIds(long[] ids, ByteBuf out) {
    out.writeInt(ids.length);
    for (long id : ids) {
      out.writeLong(id);
    }
  }

  /**
   * Decodes the body occupying {@code [offset, offset + length)} of {@code in} (absolute indexes;
   * reader and writer indexes are not moved).
   *
   * @throws MalformedFrameException when the bytes do not follow {@link MessageDescriptor}
   */
  public static Message readBody(ByteBuf in, int offset, int length, MessageFlyweight header) {
    if (length < FIXED_HEADER_BYTES + 8) {
      throw new MalformedFrameException("message body of " + length + " bytes is too short");
    }
    header.wrap(in, offset);
    try {
      int typeCode = header.typeCode();
      MessageType type;
      try {
        type = MessageType.fromCode(typeCode);
      } catch (IllegalArgumentException e) {
        throw new MalformedFrameException("unknown message type code " + typeCode);
      }
      if (type.isLocal()) {
        throw new MalformedFrameException("local message type " + type + " on the wire");
      }
      int flags = header.flags();
      if ((flags & ~KNOWN_FLAGS) != 0) {
        throw new MalformedFrameException("unknown message flags " + Integer.toBinaryString(flags));
      }
      Message.Builder b =
          Message.builder(type)
              .from(header.from())
              .to(header.to())
              .term(header.term())
              .logTerm(header.logTerm())
              .index(header.index())
              .commit(header.commit())
              .reject((flags & FLAG_REJECT) != 0)
              .rejectHint(header.rejectHint());
      Cursor c = new Cursor(in, offset + FIXED_HEADER_BYTES, offset + length);
      b.context(c.bytes(c.length("context")));
      int count = c.count("entry", ENTRY_HEADER_BYTES);
      if (count > 0) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          long term = c.int64();
          long index = c.int64();
          int entryTypeCode = c.int8();
          byte[] data = c.bytes(c.length("entry data"));
          EntryType entryType;
          try {
            entryType = EntryType.fromCode(entryTypeCode);
            entries.add(new Entry(term, index, entryType, data));
          } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("bad entry " + i + ": " + e.getMessage());
          }
        }
        b.entries(entries);
      }
      if ((flags & FLAG_SNAPSHOT) != 0) {
        long index = c.int64();
        long term = c.int64();
        long[] voters = c.ids("voters");
        long[] learners = c.ids("learners");
        long[] outgoing = c.ids("votersOutgoing");
        long[] next = c.ids("learnersNext");
        int autoLeave = c.int8();
        if (autoLeave > 1) {
          throw new MalformedFrameException("autoLeave byte " + autoLeave + " is not 0 or 1");
        }
        byte[] data = c.bytes(c.length("snapshot data"));
        try {
          ConfState conf = new ConfState(voters, learners, outgoing, next, autoLeave == 1);
          b.snapshot(new Snapshot(new SnapshotMetadata(index, term, conf), data));
        } catch (IllegalArgumentException e) {
          throw new MalformedFrameException("bad snapshot: " + e.getMessage());
        }
      }
      if (c.position != c.end) {
        throw new MalformedFrameException(
            (c.end - c.position) + " trailing bytes after a " + type + " message");
      }
      return b.build();
    } finally {
      header.unwrap();
    }
  }

  private static void requireNonLocal(MessageType type) {
    if (type.isLocal()) {
      throw new IllegalArgumentException("local message type " + type + " is never sent");
    }
  }

  /** A bounds-checked reader over one body. */
  private static final class Cursor {
    private final ByteBuf in;
    private final int end;
    private int position;

    Cursor(ByteBuf in, int position, int end) {
      this.in = in;
      this.position = position;
      this.end = end;
    }

    private void need(int bytes, String what) {
      need(bytes, what, "");
    }

    /**
     * As {@link #need(int, String)} for the field {@code what + suffix}: the name is put together
     * only for the error, not on every call (this runs for every entry of every append).
     */
    private void need(int bytes, String what, String suffix) {
      if (bytes > end - position) {
        throw new MalformedFrameException(
            what + suffix + " needs " + bytes + " bytes, " + (end - position) + " left");
      }
    }

    long int64() {
      need(8, "int64");
      long v = in.getLong(position);
      position += 8;
      return v;
    }

    int int8() {
      need(1, "int8");
      return in.getUnsignedByte(position++);
    }

    int length(String what) {
      need(4, what, " length");
      int n = in.getInt(position);
      position += 4;
      if (n < 0) {
        throw new MalformedFrameException(what + " length " + n + " is negative");
      }
      need(n, what);
      return n;
    }

    int count(String what, int minBytesEach) {
      need(4, what, " count");
      int n = in.getInt(position);
      position += 4;
      if (n < 0 || (long) n * minBytesEach > end - position) {
        throw new MalformedFrameException(
            what + " count " + n + " does not fit in " + (end - position) + " bytes");
      }
      return n;
    }

    byte[] bytes(int n) {
      byte[] a = new byte[n];
      in.getBytes(position, a);
      position += n;
      return a;
    }

    long[] ids(String what) {
      int n = count(what, 8);
      long[] ids = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = int64();
      }
      return ids;
    }
  }
}
