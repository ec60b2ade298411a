package io.etch.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.kv.KeyValue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compare semantics, as etcd's applyCompare: table of target x result x present/missing. */
class CmpTest {
  private static final ByteSequence K = ByteSequence.from("k");
  // version 3, created at 5, modified at 9, lease 7, value "m"
  private static final KeyValue KV = new KeyValue(K, ByteSequence.from("m"), 5, 9, 3, 7);

  static Stream<Arguments> table() {
    return Stream.of(
        // present key
        Arguments.of(CmpTarget.version(3), Cmp.Result.EQUAL, true, true),
        Arguments.of(CmpTarget.version(3), Cmp.Result.NOT_EQUAL, true, false),
        Arguments.of(CmpTarget.version(2), Cmp.Result.GREATER, true, true),
        Arguments.of(CmpTarget.version(4), Cmp.Result.LESS, true, true),
        Arguments.of(CmpTarget.createRevision(5), Cmp.Result.EQUAL, true, true),
        Arguments.of(CmpTarget.createRevision(5), Cmp.Result.GREATER, true, false),
        Arguments.of(CmpTarget.modRevision(9), Cmp.Result.EQUAL, true, true),
        Arguments.of(CmpTarget.modRevision(10), Cmp.Result.LESS, true, true),
        Arguments.of(CmpTarget.lease(7), Cmp.Result.EQUAL, true, true),
        Arguments.of(CmpTarget.lease(0), Cmp.Result.NOT_EQUAL, true, true),
        Arguments.of(CmpTarget.value(ByteSequence.from("m")), Cmp.Result.EQUAL, true, true),
        Arguments.of(CmpTarget.value(ByteSequence.from("a")), Cmp.Result.GREATER, true, true),
        Arguments.of(CmpTarget.value(ByteSequence.from("z")), Cmp.Result.LESS, true, true),
        Arguments.of(
            CmpTarget.value(ByteSequence.from(new byte[] {(byte) 0x80})),
            Cmp.Result.LESS,
            true,
            true), // unsigned: "m" (0x6d) < 0x80
        // missing key: numeric fields are 0, value compares always fail
        Arguments.of(CmpTarget.version(0), Cmp.Result.EQUAL, false, true),
        Arguments.of(CmpTarget.modRevision(0), Cmp.Result.EQUAL, false, true),
        Arguments.of(CmpTarget.createRevision(1), Cmp.Result.LESS, false, true),
        Arguments.of(CmpTarget.lease(0), Cmp.Result.EQUAL, false, true),
        Arguments.of(CmpTarget.version(0), Cmp.Result.GREATER, false, false),
        Arguments.of(CmpTarget.value(ByteSequence.EMPTY), Cmp.Result.EQUAL, false, false),
        Arguments.of(CmpTarget.value(ByteSequence.from("x")), Cmp.Result.NOT_EQUAL, false, false));
  }

  @ParameterizedTest(name = "{0} {1} on present={2} -> {3}")
  @MethodSource("table")
  void evaluatesLikeEtcd(CmpTarget<?> target, Cmp.Result result, boolean present, boolean holds) {
    Cmp cmp = new Cmp(K, result, target);
    assertEquals(holds, cmp.evaluate(present ? List.of(KV) : List.of()));
  }

  @Test
  void aRangeCompareHoldsOnlyWhenEveryKeyHolds() {
    Cmp cmp = Cmp.ofPrefix(K, Cmp.Result.GREATER, CmpTarget.version(1));
    assertEquals(new KeyRange(K, ByteSequence.from("l")), cmp.range());
    KeyValue v2 = new KeyValue(ByteSequence.from("k1"), ByteSequence.EMPTY, 1, 2, 2, 0);
    KeyValue v1 = new KeyValue(ByteSequence.from("k2"), ByteSequence.EMPTY, 1, 2, 1, 0);
    assertEquals(true, cmp.evaluate(List.of(v2, KV)));
    assertEquals(false, cmp.evaluate(List.of(v2, v1)));
    Cmp ranged = Cmp.ofRange(K, ByteSequence.from("kz"), Cmp.Result.EQUAL, CmpTarget.version(0));
    assertEquals(true, ranged.evaluate(List.of()), "an empty range acts as a missing key");
  }

  @Test
  void targetsExposeTypedOperands() {
    assertEquals(CmpTarget.Type.MOD, CmpTarget.modRevision(4).type());
    assertEquals(4L, CmpTarget.modRevision(4).longOperand());
    assertEquals(ByteSequence.from("v"), CmpTarget.value(ByteSequence.from("v")).valueOperand());
    assertThrows(IllegalStateException.class, () -> CmpTarget.value(K).longOperand());
    assertThrows(IllegalStateException.class, () -> CmpTarget.lease(1).valueOperand());
    assertEquals(CmpTarget.lease(3), CmpTarget.lease(3));
  }
}
