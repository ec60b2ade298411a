package io.etch.internal.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.op.Op;
import io.etch.options.PutOption;
import io.etch.storage.mvcc.PutRequest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestDecoder#decodeForApply} against {@link RequestDecoder#decode(byte[])}: on the same
 * bytes (seeded random requests of every kind, plain puts, and every one of them truncated and
 * corrupted byte by byte) both must fail with the same {@link DecodingException} message, or both
 * succeed with the same request: a put as the {@link PutRequest} the applier maps the general
 * decoder's {@code Op.PutOp} into (field by field, as {@code StoreMapping.put}), every other kind
 * as an equal {@link Request}.
 */
class ApplyDecodingTest {
  private static final long SEED = Long.getLong("etch.seed", 0xA99L);
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=ApplyDecodingTest -Detch.seed=";
  private static final byte[] PATTERNS = {(byte) 0xFF, (byte) 0x80, 0x7F, 0x01, 0x00};

  private final RequestEncoder encoder = new RequestEncoder(RequestLimits.DEFAULT);
  private final RequestDecoder general = new RequestDecoder(RequestLimits.DEFAULT);
  private final RequestDecoder forApply = new RequestDecoder(RequestLimits.DEFAULT);
  private final AppliedRequest out = new AppliedRequest();

  @Test
  void everyRandomRequestDecodesAlikeWholeTruncatedAndCorrupted() {
    RandomRequests random = new RandomRequests(SEED);
    for (int i = 0; i < 150; i++) {
      byte[] payload = encoder.encode(random.next());
      String context = "request " + i + "; replay: " + REPLAY + SEED;
      assertSameDecoding(payload, context);
      mutations(payload, context);
    }
  }

  @Test
  void plainPutsTakeTheShortPathAndStillDecodeAlike() {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 300; i++) {
      byte[] key = new byte[1 + random.nextInt(16)];
      byte[] value = new byte[random.nextInt(300)];
      random.nextBytes(key);
      random.nextBytes(value);
      PutOption option =
          random.nextBoolean()
              ? PutOption.DEFAULT
              : PutOption.builder().withLeaseId(random.nextLong(1, Long.MAX_VALUE)).build();
      Request put =
          new Request.Put(
              new RequestHeader(random.nextLong(), random.nextLong()),
              Op.put(ByteSequence.from(key), ByteSequence.from(value), option));
      byte[] payload = encoder.encode(put);
      String context = "put " + i + "; replay: " + REPLAY + SEED;
      assertSameDecoding(payload, context);
      forApply.decodeForApply(payload, out);
      assertEquals(RequestKind.PUT, out.kind(), context);
      assertEquals(put.header().memberId(), out.memberId(), context);
      assertEquals(put.header().requestId(), out.requestId(), context);
      assertArrayEquals(key, out.put().key(), context);
      assertArrayEquals(value, out.put().value(), context);
      assertEquals(option.leaseId(), out.put().lease(), context);
      mutations(payload, context);
    }
  }

  @Test
  void putsTheBuildersRejectFailAlike() {
    // hand-made bodies the encoder would never write: an empty key, a negative lease id, a lease
    // id beside ignoreLease, a value beside ignoreValue
    assertSameDecoding(putPayload(new byte[0], new byte[] {1}, 0, 0), "empty key");
    assertSameDecoding(putPayload(new byte[] {1}, new byte[] {1}, -5, 0), "negative lease");
    assertSameDecoding(putPayload(new byte[] {1}, new byte[0], 7, 4), "ignoreLease with lease");
    assertSameDecoding(putPayload(new byte[] {1}, new byte[] {2}, 0, 2), "ignoreValue with value");
    assertSameDecoding(putPayload(new byte[] {1}, new byte[0], 0, 7), "all flags");
    DecodingException e =
        assertThrows(
            DecodingException.class,
            () -> forApply.decodeForApply(putPayload(new byte[0], new byte[0], 0, 0), out));
    assertEquals(RequestDecoder.CODEC, e.codec());
  }

  @Test
  void theHolderRefusesTheWrongView() {
    forApply.decodeForApply(putPayload(new byte[] {1}, new byte[] {2}, 0, 0), out);
    assertThrows(IllegalStateException.class, out::request);
    forApply.decodeForApply(
        encoder.encode(new Request.LeaseRevoke(new RequestHeader(3, 4), 9)), out);
    assertEquals(RequestKind.LEASE_REVOKE, out.kind());
    assertEquals(3, out.memberId());
    assertEquals(4, out.requestId());
    assertThrows(IllegalStateException.class, out::put);
  }

  /** Every truncation, every byte replaced by each pattern, and a trailing byte. */
  private void mutations(byte[] payload, String context) {
    for (int length = 0; length < payload.length; length++) {
      assertSameDecoding(Arrays.copyOf(payload, length), context + ", cut at " + length);
    }
    assertSameDecoding(Arrays.copyOf(payload, payload.length + 1), context + ", one byte more");
    for (int offset = 0; offset < payload.length; offset++) {
      for (byte pattern : PATTERNS) {
        byte[] corrupt = payload.clone();
        corrupt[offset] = pattern;
        assertSameDecoding(corrupt, context + ", byte " + offset + " = " + pattern);
      }
    }
  }

  private void assertSameDecoding(byte[] payload, String context) {
    Request expected;
    try {
      expected = general.decode(payload);
    } catch (DecodingException e) {
      DecodingException actual =
          assertThrows(
              DecodingException.class, () -> forApply.decodeForApply(payload, out), context);
      assertEquals(e.getMessage(), actual.getMessage(), context);
      return;
    }
    try {
      forApply.decodeForApply(payload, out);
    } catch (DecodingException e) {
      fail(context + ": decode() accepted what decodeForApply() rejects: " + e.getMessage(), e);
    }
    assertEquals(expected.kind(), out.kind(), context);
    assertEquals(expected.header().memberId(), out.memberId(), context);
    assertEquals(expected.header().requestId(), out.requestId(), context);
    if (expected.kind() == RequestKind.PUT) {
      assertSamePut(((Request.Put) expected).op(), out.put(), context);
    } else {
      assertEquals(RandomRequests.describe(expected), RandomRequests.describe(out.request()));
    }
  }

  /** What {@code StoreMapping.put} makes of {@code op}, field by field. */
  private static void assertSamePut(Op.PutOp op, PutRequest put, String context) {
    assertArrayEquals(op.key().unsafeBytes(), put.key(), context);
    assertArrayEquals(op.value().unsafeBytes(), put.value(), context);
    assertEquals(op.option().leaseId(), put.lease(), context);
    assertEquals(op.option().isPrevKv(), put.prevKv(), context);
    assertEquals(op.option().isIgnoreValue(), put.ignoreValue(), context);
    assertEquals(op.option().isIgnoreLease(), put.ignoreLease(), context);
  }

  /** A put payload as {@link RequestDescriptor} lays it out, with any field values. */
  private static byte[] putPayload(byte[] key, byte[] value, long leaseId, int flags) {
    byte[] header =
        new RequestEncoder(RequestLimits.DEFAULT)
            .encode(
                new Request.Put(
                    new RequestHeader(1, 2),
                    Op.put(ByteSequence.from("k"), ByteSequence.EMPTY, PutOption.DEFAULT)));
    ByteBuffer b =
        ByteBuffer.allocate(
                RequestDescriptor.HEADER_LENGTH + 4 + key.length + 4 + value.length + 8 + 1)
            .order(RequestDescriptor.BYTE_ORDER);
    b.put(header, 0, RequestDescriptor.HEADER_LENGTH);
    b.putInt(key.length).put(key).putInt(value.length).put(value).putLong(leaseId);
    b.put((byte) flags);
    return b.array();
  }
}
