package io.etch.internal.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.RequestTooLargeException;
import io.etch.TooManyTxnOpsException;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RequestCodecRoundTripTest {
  private static final long SEED = Long.getLong("etch.seed", 0x5EEDL);
  private static final int COUNT = 5_000;
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=RequestCodecRoundTripTest -Detch.seed=";

  private final RequestEncoder encoder = new RequestEncoder(RequestLimits.DEFAULT);
  private final RequestDecoder decoder = new RequestDecoder(RequestLimits.DEFAULT);

  private static final RequestHeader HEADER = new RequestHeader(0xABCDL, 42);

  private Request roundTrip(Request request) {
    byte[] payload = encoder.encode(request);
    Request decoded = decoder.decode(payload);
    assertEquals(RandomRequests.describe(request), RandomRequests.describe(decoded));
    assertArrayEquals(payload, encoder.encode(decoded));
    return decoded;
  }

  @Test
  void seededRandomRequestsOfEveryKindRoundTrip() {
    RandomRequests random = new RandomRequests(SEED);
    Set<RequestKind> seen = EnumSet.noneOf(RequestKind.class);
    for (int i = 0; i < COUNT; i++) {
      Request request = random.next();
      seen.add(request.kind());
      byte[] payload = encoder.encode(request);
      Request decoded = decoder.decode(payload);
      String context = "request " + i + ", seed " + SEED + "; replay: " + REPLAY + SEED;
      assertEquals(RandomRequests.describe(request), RandomRequests.describe(decoded), context);
      assertArrayEquals(payload, encoder.encode(decoded), context);
      if (request.kind() != RequestKind.PUT
          && request.kind() != RequestKind.DELETE_RANGE
          && request.kind() != RequestKind.TXN) {
        assertEquals(request, decoded, context);
      }
    }
    assertEquals(EnumSet.allOf(RequestKind.class), seen);
  }

  @Test
  void headerFlyweightReadsWhatTheEncoderWrote() {
    byte[] payload =
        encoder.encode(new Request.LeaseRevoke(new RequestHeader(-7L, Long.MIN_VALUE), 9));
    RequestHeaderFlyweight header = new RequestHeaderFlyweight().wrap(new UnsafeBuffer(payload), 0);
    assertEquals(RequestDescriptor.VERSION, header.version());
    assertEquals(RequestKind.LEASE_REVOKE.code(), header.kindCode());
    assertEquals(0, header.reserved());
    assertEquals(-7L, header.memberId());
    assertEquals(Long.MIN_VALUE, header.requestId());
    assertEquals(RequestDescriptor.HEADER_LENGTH + Long.BYTES, payload.length);
  }

  @Test
  void decodesAtAnOffsetInALargerBuffer() {
    Request request = new Request.Compact(HEADER, 77, true);
    byte[] payload = encoder.encode(request);
    byte[] framed = new byte[payload.length + 10];
    System.arraycopy(payload, 0, framed, 3, payload.length);
    assertEquals(request, decoder.decode(new UnsafeBuffer(framed), 3, payload.length));
  }

  @Test
  void everyPutOptionCombination() {
    for (int bits = 0; bits < 8; bits++) {
      boolean prevKv = (bits & 1) != 0;
      boolean ignoreValue = (bits & 2) != 0;
      boolean ignoreLease = (bits & 4) != 0;
      for (long lease : new long[] {0, 1, Long.MAX_VALUE}) {
        if (ignoreLease && lease != 0) {
          continue;
        }
        PutOption.Builder b = PutOption.builder().withLeaseId(lease);
        if (prevKv) {
          b.withPrevKV();
        }
        if (ignoreValue) {
          b.withIgnoreValue();
        }
        if (ignoreLease) {
          b.withIgnoreLease();
        }
        ByteSequence value = ignoreValue ? ByteSequence.EMPTY : ByteSequence.from("v");
        Request.Put decoded =
            (Request.Put)
                roundTrip(
                    new Request.Put(HEADER, Op.put(ByteSequence.from("k"), value, b.build())));
        assertEquals(prevKv, decoded.op().option().isPrevKv());
        assertEquals(ignoreValue, decoded.op().option().isIgnoreValue());
        assertEquals(ignoreLease, decoded.op().option().isIgnoreLease());
        assertEquals(lease, decoded.op().option().leaseId());
      }
    }
  }

  @Test
  void everyDeleteSelectionAndPrevKv() {
    ByteSequence key = ByteSequence.from("a");
    List<DeleteOption.Builder> builders = new ArrayList<>();
    for (boolean prevKv : new boolean[] {false, true}) {
      builders.add(DeleteOption.builder().withPrevKV(prevKv));
      builders.add(DeleteOption.builder().withPrevKV(prevKv).withRange(ByteSequence.from("z")));
      builders.add(DeleteOption.builder().withPrevKV(prevKv).isPrefix(true));
      builders.add(DeleteOption.builder().withPrevKV(prevKv).withFromKey(true));
    }
    for (DeleteOption.Builder b : builders) {
      DeleteOption option = b.build();
      Request.DeleteRange decoded =
          (Request.DeleteRange) roundTrip(new Request.DeleteRange(HEADER, Op.delete(key, option)));
      assertEquals(option.range(key), decoded.op().range());
    }
    roundTrip(
        new Request.DeleteRange(
            HEADER, Op.delete(ByteSequence.EMPTY, DeleteOption.builder().isPrefix(true).build())));
  }

  @Test
  void everyGetSortAndFlagCombinationInsideATxn() {
    List<Op> gets = new ArrayList<>();
    for (GetOption.SortOrder order : GetOption.SortOrder.values()) {
      for (GetOption.SortTarget field : GetOption.SortTarget.values()) {
        for (int bits = 0; bits < 4; bits++) {
          gets.add(
              Op.get(
                  ByteSequence.from("k"),
                  GetOption.builder()
                      .withSortOrder(order)
                      .withSortField(field)
                      .withSerializable((bits & 1) != 0)
                      .withKeysOnly((bits & 2) != 0)
                      .withLimit(bits)
                      .withRevision(bits * 3L)
                      .withMinModRevision(1)
                      .withMaxModRevision(9)
                      .withMinCreateRevision(2)
                      .withMaxCreateRevision(8)
                      .build()));
        }
      }
    }
    gets.add(
        Op.get(
            ByteSequence.from("k"),
            GetOption.builder().withCountOnly(true).isPrefix(true).build()));
    List<Op> chunk = new ArrayList<>();
    for (Op get : gets) {
      chunk.add(get);
      if (chunk.size() == RequestLimits.DEFAULT.maxTxnOps()) {
        roundTrip(new Request.Txn(HEADER, new Op.TxnOp(List.of(), chunk, List.of())));
        chunk.clear();
      }
    }
    roundTrip(new Request.Txn(HEADER, new Op.TxnOp(List.of(), List.of(), chunk)));
  }

  @Test
  void everyCompareResultAndTarget() {
    List<Cmp> compares = new ArrayList<>();
    ByteSequence key = ByteSequence.from("c");
    for (Cmp.Result result : Cmp.Result.values()) {
      compares.add(new Cmp(key, result, CmpTarget.version(1)));
      compares.add(new Cmp(key, result, CmpTarget.createRevision(-1)));
      compares.add(Cmp.ofRange(key, ByteSequence.from("d"), result, CmpTarget.modRevision(3)));
      compares.add(Cmp.ofPrefix(key, result, CmpTarget.lease(Long.MAX_VALUE)));
      compares.add(new Cmp(key, result, CmpTarget.value(ByteSequence.EMPTY)));
      compares.add(new Cmp(key, result, CmpTarget.value(ByteSequence.from("xyz"))));
    }
    Request.Txn decoded =
        (Request.Txn)
            roundTrip(new Request.Txn(HEADER, new Op.TxnOp(compares, List.of(), List.of())));
    assertEquals(compares, decoded.op().compares());
  }

  @Test
  void nestedTransactionsUpToTheDepthLimit() {
    Op.TxnOp chain = new Op.TxnOp(List.of(), List.of(), List.of());
    for (int depth = 2; depth <= RequestLimits.DEFAULT.maxTxnDepth(); depth++) {
      chain = new Op.TxnOp(List.of(), List.of(chain), List.of());
    }
    roundTrip(new Request.Txn(HEADER, chain));
    Op.TxnOp deepest = chain;
    Op.TxnOp tooDeep = new Op.TxnOp(List.of(), List.of(deepest), List.of());
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class, () -> encoder.encode(new Request.Txn(HEADER, tooDeep)));
    assertEquals("txn", e.argument());
    assertTrue(chain.isReadOnly());
  }

  @Test
  void otherKindsRoundTripExactly() {
    List<Request> requests =
        List.of(
            new Request.Compact(HEADER, 0, false),
            new Request.Compact(HEADER, Long.MAX_VALUE, true),
            new Request.LeaseGrant(HEADER, 0x1234, 60),
            new Request.LeaseRevoke(HEADER, -1),
            new Request.LeaseCheckpoints(HEADER, List.of()),
            new Request.LeaseCheckpoints(
                HEADER, List.of(new LeaseCheckpoint(1, 0), new LeaseCheckpoint(2, 299_999))),
            new Request.Alarm(HEADER, true, new AlarmMember(7, AlarmType.NOSPACE)),
            new Request.Alarm(HEADER, false, new AlarmMember(7, AlarmType.NOSPACE)),
            new Request.Alarm(HEADER, true, new AlarmMember(8, AlarmType.CORRUPT)));
    for (Request request : requests) {
      assertEquals(request, decoder.decode(encoder.encode(request)));
    }
  }

  @Test
  void encoderRefusesWhatTheDecoderWouldRefuse() {
    RequestLimits small = new RequestLimits(4, 8, 2, 2, 2);
    RequestEncoder smallEncoder = new RequestEncoder(small);
    ByteSequence longKey = ByteSequence.from("12345");
    RequestTooLargeException keyTooLarge =
        assertThrows(
            RequestTooLargeException.class,
            () ->
                smallEncoder.encode(
                    new Request.Put(
                        HEADER, Op.put(longKey, ByteSequence.EMPTY, PutOption.DEFAULT))));
    assertEquals(longKey, keyTooLarge.key());
    assertEquals(5, keyTooLarge.sizeBytes());
    assertEquals(4, keyTooLarge.limitBytes());
    RequestTooLargeException valueTooLarge =
        assertThrows(
            RequestTooLargeException.class,
            () ->
                smallEncoder.encode(
                    new Request.Put(
                        HEADER,
                        Op.put(
                            ByteSequence.from("k"),
                            ByteSequence.from("123456789"),
                            PutOption.DEFAULT))));
    assertEquals(8, valueTooLarge.limitBytes());
    Op put = Op.put(ByteSequence.from("k"), ByteSequence.EMPTY, PutOption.DEFAULT);
    TooManyTxnOpsException tooMany =
        assertThrows(
            TooManyTxnOpsException.class,
            () ->
                smallEncoder.encode(
                    new Request.Txn(
                        HEADER, new Op.TxnOp(List.of(), List.of(put, put, put), List.of()))));
    assertEquals(3, tooMany.count());
    assertEquals(2, tooMany.limit());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            smallEncoder.encode(
                new Request.LeaseCheckpoints(
                    HEADER,
                    List.of(
                        new LeaseCheckpoint(1, 1),
                        new LeaseCheckpoint(2, 1),
                        new LeaseCheckpoint(3, 1)))));
  }

  /**
   * The node keeps one encoder per proposing thread: refusals and large requests must not hurt it.
   */
  @Test
  void oneEncoderKeepsWorkingAfterARefusalAndAfterALargeRequest() {
    RequestLimits limits = new RequestLimits(16, 256 * 1024, 2, 2, 2);
    RequestEncoder reused = new RequestEncoder(limits);
    RequestDecoder limitedDecoder = new RequestDecoder(limits);
    Request small =
        new Request.Put(
            HEADER, Op.put(ByteSequence.from("k"), ByteSequence.from("v"), PutOption.DEFAULT));
    byte[] expected = encoder.encode(small);
    assertThrows(
        RequestTooLargeException.class,
        () ->
            reused.encode(
                new Request.Put(
                    HEADER,
                    Op.put(
                        ByteSequence.from("k"),
                        ByteSequence.from(new byte[256 * 1024 + 1]),
                        PutOption.DEFAULT))));
    assertArrayEquals(expected, reused.encode(small));
    byte[] bigValue = new byte[4 * RequestEncoder.MAX_RETAINED_BYTES];
    Arrays.fill(bigValue, (byte) 7);
    Request big =
        new Request.Put(
            HEADER,
            Op.put(ByteSequence.from("big"), ByteSequence.from(bigValue), PutOption.DEFAULT));
    byte[] bigPayload = reused.encode(big);
    assertEquals(
        RandomRequests.describe(big), RandomRequests.describe(limitedDecoder.decode(bigPayload)));
    assertArrayEquals(expected, reused.encode(small));
    assertArrayEquals(bigPayload, reused.encode(big));
  }
}
