package io.etch.internal.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.op.Op;
import io.etch.options.PutOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A corrupt entry must give a {@link DecodingException} naming the field and offset, never another
 * exception (index, OOM, NPE, builder exceptions).
 */
class RequestCodecCorruptionTest {
  private static final long SEED = Long.getLong("etch.seed", 0xC0FFEEL);
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=RequestCodecCorruptionTest -Detch.seed=";
  private static final RequestHeader HEADER = new RequestHeader(1, 2);

  private final RequestEncoder encoder = new RequestEncoder(RequestLimits.DEFAULT);
  private final RequestDecoder decoder = new RequestDecoder(RequestLimits.DEFAULT);

  /** Decodes and accepts only success or a DecodingException. */
  private void decodeSafely(byte[] payload, String context) {
    try {
      decoder.decode(payload);
    } catch (DecodingException e) {
      assertEquals(RequestDecoder.CODEC, e.codec(), context);
      assertEquals(payload.length, e.sizeBytes(), context);
      assertTrue(e.getMessage().contains("at offset"), context + ": " + e.getMessage());
    } catch (RuntimeException | Error e) {
      fail(context + ": " + e, e);
    }
  }

  @Test
  void everyTruncationOfEveryGeneratedRequestFailsWithDecodingException() {
    RandomRequests random = new RandomRequests(SEED);
    for (int i = 0; i < 300; i++) {
      byte[] payload = encoder.encode(random.next());
      for (int length = 0; length < payload.length; length++) {
        byte[] truncated = Arrays.copyOf(payload, length);
        String context = "request " + i + " cut at " + length + "; replay: " + REPLAY + SEED;
        DecodingException e =
            assertThrows(DecodingException.class, () -> decoder.decode(truncated), context);
        assertTrue(e.getMessage().contains("field "), context);
      }
      byte[] extended = Arrays.copyOf(payload, payload.length + 1);
      DecodingException trailing =
          assertThrows(DecodingException.class, () -> decoder.decode(extended));
      assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());
    }
  }

  @Test
  void everyByteOffsetCorruptedGivesADecodedRequestOrDecodingException() {
    RandomRequests random = new RandomRequests(SEED + 1);
    SplittableRandom noise = new SplittableRandom(SEED + 2);
    byte[] patterns = {(byte) 0xFF, (byte) 0x80, 0x7F, 0x01, 0x00};
    for (int i = 0; i < 200; i++) {
      byte[] payload = encoder.encode(random.next());
      for (int offset = 0; offset < payload.length; offset++) {
        for (byte pattern : patterns) {
          byte[] corrupt = payload.clone();
          corrupt[offset] = pattern;
          decodeSafely(
              corrupt,
              "request " + i + " byte " + offset + "=" + pattern + "; replay: " + REPLAY + SEED);
        }
        byte[] flipped = payload.clone();
        flipped[offset] ^= (byte) (1 << noise.nextInt(8));
        decodeSafely(
            flipped, "request " + i + " bit flip at " + offset + "; replay: " + REPLAY + SEED);
      }
    }
  }

  @Test
  void randomGarbageNeverEscapesAsAnotherException() {
    SplittableRandom random = new SplittableRandom(SEED + 3);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[random.nextInt(64)];
      for (int b = 0; b < garbage.length; b++) {
        garbage[b] = (byte) random.nextInt(256);
      }
      if (garbage.length > 1 && random.nextBoolean()) {
        garbage[0] = RequestDescriptor.VERSION;
        garbage[1] = (byte) (1 + random.nextInt(RequestKind.values().length));
        if (garbage.length > 3) {
          garbage[2] = 0;
          garbage[3] = 0;
        }
      }
      decodeSafely(garbage, "garbage " + i + "; replay: " + REPLAY + SEED);
    }
  }

  private static ByteBuffer header(RequestKind kind, int bodyBytes) {
    ByteBuffer b = ByteBuffer.allocate(RequestDescriptor.HEADER_LENGTH + bodyBytes);
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put(RequestDescriptor.VERSION)
        .put((byte) kind.code())
        .putShort((short) 0)
        .putLong(1)
        .putLong(2);
    return b;
  }

  private String failure(byte[] payload) {
    return assertThrows(DecodingException.class, () -> decoder.decode(payload)).getMessage();
  }

  @Test
  void hugeLengthsAndCountsAreRejectedBeforeAllocating() {
    ByteBuffer hugeKey = header(RequestKind.PUT, 4);
    hugeKey.putInt(Integer.MAX_VALUE);
    String message = failure(hugeKey.array());
    assertTrue(message.contains("put.key") && message.contains("offset 20"), message);

    ByteBuffer negativeKey = header(RequestKind.PUT, 4);
    negativeKey.putInt(-5);
    assertTrue(failure(negativeKey.array()).contains("negative length"));

    ByteBuffer bigKeyWithinLimit = header(RequestKind.PUT, 4);
    bigKeyWithinLimit.putInt(1000);
    assertTrue(failure(bigKeyWithinLimit.array()).contains("remain"));

    ByteBuffer hugeCount = header(RequestKind.LEASE_CHECKPOINT, 4);
    hugeCount.putInt(Integer.MAX_VALUE);
    assertTrue(failure(hugeCount.array()).contains("above the limit"));

    ByteBuffer countBeyondBytes = header(RequestKind.LEASE_CHECKPOINT, 4 + 16);
    countBeyondBytes.putInt(500).putLong(1).putLong(1);
    assertTrue(failure(countBeyondBytes.array()).contains("needs at least"));

    ByteBuffer manyCompares = header(RequestKind.TXN, 4);
    manyCompares.putInt(129);
    assertTrue(failure(manyCompares.array()).contains("txn.compares.count"));
  }

  @Test
  void nestingBeyondTheLimitIsRejected() {
    RequestLimits limits = new RequestLimits(64, 64, 4, 3, 4);
    RequestDecoder shallow = new RequestDecoder(limits);
    Op.TxnOp chain = new Op.TxnOp(List.of(), List.of(), List.of());
    for (int depth = 2; depth <= 4; depth++) {
      chain = new Op.TxnOp(List.of(), List.of(chain), List.of());
    }
    byte[] payload = encoder.encode(new Request.Txn(HEADER, chain));
    String message =
        assertThrows(DecodingException.class, () -> shallow.decode(payload)).getMessage();
    assertTrue(message.contains("nest at most 3"), message);
  }

  @Test
  void headerFieldsAreChecked() {
    byte[] payload = encoder.encode(new Request.LeaseRevoke(HEADER, 5));
    byte[] badVersion = payload.clone();
    badVersion[0] = 2;
    assertTrue(failure(badVersion).contains("unsupported version 2"));
    byte[] badKind = payload.clone();
    badKind[1] = 99;
    assertTrue(failure(badKind).contains("unknown request kind 99"));
    byte[] reserved = payload.clone();
    reserved[2] = 1;
    assertTrue(failure(reserved).contains("reserved"));
    assertTrue(failure(new byte[0]).contains("field header at offset 0"));
  }

  @Test
  void invalidOptionsFromTheBuildersBecomeDecodingExceptions() {
    byte[] payload =
        encoder.encode(
            new Request.Put(
                HEADER, Op.put(ByteSequence.from("k"), ByteSequence.EMPTY, PutOption.DEFAULT)));
    // Set ignoreValue (bit 1) and give a non-empty value: re-encode by hand.
    ByteBuffer b = header(RequestKind.PUT, 4 + 1 + 4 + 1 + 8 + 1);
    b.putInt(1).put((byte) 'k').putInt(1).put((byte) 'v').putLong(0).put((byte) 2);
    String message = failure(b.array());
    assertTrue(message.contains("field put at offset 20"), message);
    // An empty key on a single-key put.
    ByteBuffer empty = header(RequestKind.PUT, 4 + 4 + 8 + 1);
    empty.putInt(0).putInt(0).putLong(0).put((byte) 0);
    assertTrue(failure(empty.array()).contains("key must not be empty"));
    // Unknown flag bits.
    byte[] flags = payload.clone();
    flags[flags.length - 1] = (byte) 0x80;
    assertTrue(failure(flags).contains("unknown flag bits"));
    // A negative lease on a put.
    ByteBuffer negativeLease = header(RequestKind.PUT, 4 + 1 + 4 + 8 + 1);
    negativeLease.putInt(1).put((byte) 'k').putInt(0).putLong(-1).put((byte) 0);
    assertTrue(failure(negativeLease.array()).contains("leaseId"));
  }
}
