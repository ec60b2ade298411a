package io.etch.transport.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.testing.TestMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  @org.junit.jupiter.api.AfterEach
  void noLeaks() {
    assertEquals(java.util.List.of(), io.etch.transport.testing.LeakRecorder.unexpectedLeaks());
  }

  private final MessageFlyweight flyweight = new MessageFlyweight();

  private Message roundTrip(Message m) {
    ByteBuf b = Unpooled.buffer();
    try {
      MessageCodec.writeFrame(m, b, 1 << 24);
      assertEquals(MessageCodec.frameBytes(m), b.readableBytes());
      assertEquals(b.readableBytes() - FrameDescriptor.LENGTH_FIELD_BYTES, b.getInt(0));
      assertEquals(FrameType.MESSAGE.code(), b.getByte(FrameDescriptor.TYPE_OFFSET));
      return MessageCodec.readBody(
          b,
          FrameDescriptor.BODY_OFFSET,
          b.readableBytes() - FrameDescriptor.HEADER_BYTES,
          flyweight);
    } finally {
      b.release();
    }
  }

  @Test
  void everyNetworkTypeRoundTripsWithEveryField() {
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      for (MessageType t : TestMessages.networkTypes()) {
        Message m = TestMessages.full(t, 1 + r.nextInt(5), 1 + r.nextInt(5), r);
        TestMessages.assertSame(m, roundTrip(m));
      }
    }
  }

  @Test
  void flyweightReadsTheFixedHeaderInPlace() {
    Message m =
        Message.builder(MessageType.APP_RESP)
            .from(3)
            .to(4)
            .term(5)
            .logTerm(6)
            .index(7)
            .commit(8)
            .reject(true)
            .rejectHint(9)
            .build();
    ByteBuf b = Unpooled.buffer();
    MessageCodec.writeBody(m, b);
    flyweight.wrap(b, 0);
    assertEquals(MessageType.APP_RESP.code(), flyweight.typeCode());
    assertEquals(MessageDescriptor.FLAG_REJECT, flyweight.flags());
    assertEquals(3, flyweight.from());
    assertEquals(4, flyweight.to());
    assertEquals(5, flyweight.term());
    assertEquals(6, flyweight.logTerm());
    assertEquals(7, flyweight.index());
    assertEquals(8, flyweight.commit());
    assertEquals(9, flyweight.rejectHint());
    flyweight.unwrap();
    b.release();
  }

  @Test
  void localTypesAreNeverEncodedNorDecoded() {
    for (MessageType t : MessageType.values()) {
      if (!t.isLocal()) {
        continue;
      }
      Message local = Message.builder(t).from(1).to(2).build();
      ByteBuf out = Unpooled.buffer();
      assertThrows(
          IllegalArgumentException.class, () -> MessageCodec.writeFrame(local, out, 1 << 20));
      out.release();
      // Forge one: encode a HEARTBEAT and patch the type code.
      ByteBuf b = Unpooled.buffer();
      MessageCodec.writeBody(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build(), b);
      b.setByte(MessageDescriptor.TYPE_OFFSET, t.code());
      MalformedFrameException e =
          assertThrows(
              MalformedFrameException.class,
              () -> MessageCodec.readBody(b, 0, b.readableBytes(), flyweight));
      assertEquals("local message type " + t + " on the wire", e.getMessage());
      b.release();
    }
  }

  @Test
  void trailingBytesUnknownFlagsAndShortBodiesAreMalformed() {
    ByteBuf b = Unpooled.buffer();
    MessageCodec.writeBody(Message.builder(MessageType.VOTE).from(1).to(2).build(), b);
    int n = b.readableBytes();
    b.writeByte(0);
    assertThrows(
        MalformedFrameException.class, () -> MessageCodec.readBody(b, 0, n + 1, flyweight));
    assertThrows(
        MalformedFrameException.class, () -> MessageCodec.readBody(b, 0, n - 1, flyweight));
    assertThrows(MalformedFrameException.class, () -> MessageCodec.readBody(b, 0, 10, flyweight));
    b.setByte(MessageDescriptor.FLAGS_OFFSET, 0x80);
    assertThrows(MalformedFrameException.class, () -> MessageCodec.readBody(b, 0, n, flyweight));
    b.release();
  }

  @Test
  void frameOverTheLimitIsRefusedWhenEncoding() {
    Message big = TestMessages.append(1, 2, 4, 2000);
    ByteBuf out = Unpooled.buffer();
    FrameTooLargeException e =
        assertThrows(FrameTooLargeException.class, () -> MessageCodec.writeFrame(big, out, 4096));
    out.release();
    assertEquals(4096, e.maxFrameBytes());
    assertEquals(MessageCodec.frameBytes(big) - 4, e.frameBytes());
  }
}
