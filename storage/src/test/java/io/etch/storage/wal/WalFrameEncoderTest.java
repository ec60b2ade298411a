package io.etch.storage.wal;

import static io.etch.storage.wal.WalRecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The encoder lays every header field out exactly where {@link WalRecordDescriptor} draws it. */
class WalFrameEncoderTest {
  @Test
  void entryHeaderFieldsAreLittleEndianAtTheirDescriptorOffsets() {
    WalFrameEncoder encoder = new WalFrameEncoder(1 << 12);
    UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 12));
    dst.setMemory(0, dst.capacity(), (byte) 0x5A); // garbage the encoder must overwrite
    byte[] payload = {1, 2, 3, 4, 5};
    int offset = 64;

    int length =
        encoder.encodeEntry(
            dst,
            offset,
            0x0102_0304_0506_0708L,
            0x1112_1314_1516_1718L,
            (byte) 0xE7,
            new UnsafeBuffer(payload),
            0,
            payload.length,
            0xCAFE_BABE,
            0x7654_3210);

    ByteBuffer b = dst.byteBuffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int bodyLength = ENTRY_FIXED_BODY_LENGTH + payload.length;
    assertEquals(entryFrameLength(payload.length), length);
    assertEquals(length, b.getInt(offset + FRAME_LENGTH_OFFSET));
    assertEquals(0xCAFE_BABE, b.getInt(offset + PREV_CRC_OFFSET));
    assertEquals(0x7654_3210, b.getInt(offset + DURABLE_OFFSET_OFFSET));
    assertEquals(WalRecordType.ENTRY.code(), b.get(offset + RECORD_TYPE_OFFSET));
    assertEquals(0, b.get(offset + FLAGS_OFFSET));
    assertEquals((byte) 0xE7, b.get(offset + ENTRY_TYPE_OFFSET));
    assertEquals(0, b.get(offset + ENTRY_TYPE_OFFSET + 1), "reserved byte");
    assertEquals(bodyLength, b.getInt(offset + BODY_LENGTH_OFFSET));
    assertEquals(0x0102_0304_0506_0708L, b.getLong(offset + ENTRY_INDEX_OFFSET));
    assertEquals(0x1112_1314_1516_1718L, b.getLong(offset + ENTRY_TERM_OFFSET));
    for (int i = 0; i < payload.length; i++) {
      assertEquals(payload[i], b.get(offset + ENTRY_PAYLOAD_OFFSET + i));
    }
    for (int i = HEADER_LENGTH + bodyLength; i < length; i++) {
      assertEquals(0, b.get(offset + i), "padding byte " + i);
    }
    int crc = checksum(new CRC32C(), dst, offset, bodyLength);
    assertEquals(crc, b.getInt(offset + CRC_OFFSET));
    assertEquals(crc, encoder.lastCrc());
  }

  @Test
  void hardStateHeaderCarriesItsFlags() {
    WalFrameEncoder encoder = new WalFrameEncoder(1 << 12);
    int length = encoder.encodeHardState(new WalHardState(3, 2, 1), FLAG_CARRIED_OVER, 7, 4096);

    ByteBuffer b = encoder.buffer().byteBuffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(frameLength(HARD_STATE_BODY_LENGTH), length);
    assertEquals(length, b.getInt(FRAME_LENGTH_OFFSET));
    assertEquals(7, b.getInt(PREV_CRC_OFFSET));
    assertEquals(4096, b.getInt(DURABLE_OFFSET_OFFSET));
    assertEquals(WalRecordType.HARD_STATE.code(), b.get(RECORD_TYPE_OFFSET));
    assertEquals(FLAG_CARRIED_OVER, b.get(FLAGS_OFFSET));
    assertEquals(0, b.get(ENTRY_TYPE_OFFSET));
    assertEquals(HARD_STATE_BODY_LENGTH, b.getInt(BODY_LENGTH_OFFSET));
    assertEquals(3, b.getLong(HARD_STATE_TERM_OFFSET));
    assertEquals(
        checksum(new CRC32C(), encoder.buffer(), 0, HARD_STATE_BODY_LENGTH), b.getInt(CRC_OFFSET));
  }
}
