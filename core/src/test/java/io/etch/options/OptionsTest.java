package io.etch.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every option builder: valid combinations build, every rejected one names its conflict. */
class OptionsTest {
  private static final ByteSequence FOO = ByteSequence.from("foo");
  private static final ByteSequence FOP = ByteSequence.from("fop");

  static Stream<Arguments> validGetOptions() {
    return Stream.of(
        Arguments.of("default", GetOption.builder()),
        Arguments.of("limit", GetOption.builder().withLimit(10)),
        Arguments.of("revision", GetOption.builder().withRevision(42)),
        Arguments.of("range", GetOption.builder().withRange(FOP)),
        Arguments.of("range to \\0", GetOption.builder().withRange(KeyRange.NO_END)),
        Arguments.of("prefix", GetOption.builder().isPrefix(true)),
        Arguments.of("fromKey", GetOption.builder().withFromKey(true)),
        Arguments.of(
            "sort desc by mod with limit",
            GetOption.builder()
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withSortField(GetOption.SortTarget.MOD)
                .withLimit(3)),
        Arguments.of(
            "serializable keysOnly", GetOption.builder().withSerializable(true).withKeysOnly(true)),
        Arguments.of(
            "countOnly with range and revision",
            GetOption.builder().withCountOnly(true).isPrefix(true).withRevision(7)),
        Arguments.of(
            "countOnly serializable",
            GetOption.builder().withCountOnly(true).withSerializable(true)),
        Arguments.of(
            "mod bounds equal", GetOption.builder().withMinModRevision(5).withMaxModRevision(5)),
        Arguments.of("min mod without max", GetOption.builder().withMinModRevision(9)),
        Arguments.of(
            "create bounds", GetOption.builder().withMinCreateRevision(2).withMaxCreateRevision(8)),
        Arguments.of(
            "prefix false with endKey", GetOption.builder().isPrefix(false).withRange(FOP)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validGetOptions")
  void validGetOptionsBuild(String name, GetOption.Builder builder) {
    GetOption option = builder.build();
    assertEquals(option.limit(), option.toBuilder().build().limit());
  }

  static Stream<Arguments> rejectedGetOptions() {
    return Stream.of(
        rejected(
            "negative limit",
            () -> GetOption.builder().withLimit(-1).build(),
            "limit",
            "limit must be >= 0 (0 means no limit), got -1"),
        rejected(
            "negative revision",
            () -> GetOption.builder().withRevision(-5).build(),
            "revision",
            "revision must be >= 0 (0 means the latest revision), got -5"),
        rejected(
            "prefix and endKey",
            () -> GetOption.builder().isPrefix(true).withRange(FOP).build(),
            "prefix",
            "prefix and endKey are mutually exclusive"),
        rejected(
            "fromKey and endKey",
            () -> GetOption.builder().withFromKey(true).withRange(FOP).build(),
            "fromKey",
            "fromKey and endKey are mutually exclusive"),
        rejected(
            "prefix and fromKey",
            () -> GetOption.builder().isPrefix(true).withFromKey(true).build(),
            "fromKey",
            "prefix and fromKey are mutually exclusive"),
        rejected(
            "empty endKey",
            () -> GetOption.builder().withRange(ByteSequence.EMPTY).build(),
            "endKey",
            "endKey must not be empty"),
        rejected(
            "negative minModRevision",
            () -> GetOption.builder().withMinModRevision(-1).build(),
            "minModRevision",
            "minModRevision must be >= 0 (0 means no bound), got -1"),
        rejected(
            "negative maxModRevision",
            () -> GetOption.builder().withMaxModRevision(-1).build(),
            "maxModRevision",
            "maxModRevision must be >= 0"),
        rejected(
            "negative minCreateRevision",
            () -> GetOption.builder().withMinCreateRevision(-2).build(),
            "minCreateRevision",
            "minCreateRevision must be >= 0"),
        rejected(
            "negative maxCreateRevision",
            () -> GetOption.builder().withMaxCreateRevision(-3).build(),
            "maxCreateRevision",
            "maxCreateRevision must be >= 0"),
        rejected(
            "min mod above max mod",
            () -> GetOption.builder().withMinModRevision(5).withMaxModRevision(3).build(),
            "minModRevision",
            "minModRevision (5) is greater than maxModRevision (3): no key can match"),
        rejected(
            "min create above max create",
            () -> GetOption.builder().withMinCreateRevision(9).withMaxCreateRevision(1).build(),
            "minCreateRevision",
            "minCreateRevision (9) is greater than maxCreateRevision (1)"),
        rejected(
            "countOnly and keysOnly",
            () -> GetOption.builder().withCountOnly(true).withKeysOnly(true).build(),
            "keysOnly",
            "countOnly and keysOnly conflict"),
        rejected(
            "countOnly and limit",
            () -> GetOption.builder().withCountOnly(true).withLimit(5).build(),
            "limit",
            "countOnly and limit conflict: countOnly returns only the count, which limit does not"
                + " affect"),
        rejected(
            "countOnly and sortOrder",
            () ->
                GetOption.builder()
                    .withCountOnly(true)
                    .withSortOrder(GetOption.SortOrder.ASCEND)
                    .build(),
            "sortOrder",
            "countOnly and sortOrder conflict"),
        rejected(
            "countOnly and sortField",
            () ->
                GetOption.builder()
                    .withCountOnly(true)
                    .withSortField(GetOption.SortTarget.VALUE)
                    .build(),
            "sortField",
            "countOnly and sortField conflict"),
        rejected(
            "countOnly and minModRevision",
            () -> GetOption.builder().withCountOnly(true).withMinModRevision(2).build(),
            "minModRevision",
            "countOnly and minModRevision conflict"),
        rejected(
            "countOnly and maxModRevision",
            () -> GetOption.builder().withCountOnly(true).withMaxModRevision(2).build(),
            "maxModRevision",
            "countOnly and maxModRevision conflict"),
        rejected(
            "countOnly and minCreateRevision",
            () -> GetOption.builder().withCountOnly(true).withMinCreateRevision(2).build(),
            "minCreateRevision",
            "countOnly and minCreateRevision conflict"),
        rejected(
            "countOnly and maxCreateRevision",
            () -> GetOption.builder().withCountOnly(true).withMaxCreateRevision(2).build(),
            "maxCreateRevision",
            "countOnly and maxCreateRevision conflict"));
  }

  static Stream<Arguments> rejectedPutDeleteOptions() {
    return Stream.of(
        rejected(
            "negative lease",
            () -> PutOption.builder().withLeaseId(-7).build(),
            "leaseId",
            "leaseId must be >= 0 (0 means no lease), got -7"),
        rejected(
            "ignoreLease and leaseId",
            () -> PutOption.builder().withIgnoreLease().withLeaseId(0x1f).build(),
            "leaseId",
            "ignoreLease and leaseId conflict: ignoreLease keeps the key's current lease, leaseId"
                + " sets lease 1f"),
        rejected(
            "ignoreValue with a value",
            () -> PutOption.builder().withIgnoreValue().build().checkValue(FOO),
            "value",
            "ignoreValue keeps the key's current value, so the put's value must be empty (got 3"
                + " bytes)"),
        rejected(
            "delete prefix and endKey",
            () -> DeleteOption.builder().isPrefix(true).withRange(FOP).build(),
            "prefix",
            "prefix and endKey are mutually exclusive"),
        rejected(
            "delete fromKey and endKey",
            () -> DeleteOption.builder().withFromKey(true).withRange(FOP).build(),
            "fromKey",
            "fromKey and endKey are mutually exclusive"),
        rejected(
            "delete prefix and fromKey",
            () -> DeleteOption.builder().withFromKey(true).isPrefix(true).build(),
            "fromKey",
            "prefix and fromKey are mutually exclusive"));
  }

  private static Arguments rejected(
      String name, Executable build, String argument, String messagePart) {
    return Arguments.of(name, build, argument, messagePart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"rejectedGetOptions", "rejectedPutDeleteOptions"})
  void rejectedOptionsNameTheConflict(
      String name, Executable build, String argument, String messagePart) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, build);
    assertEquals(argument, e.argument(), name);
    assertTrue(
        e.getMessage().contains(messagePart),
        () -> name + ": message '" + e.getMessage() + "' lacks '" + messagePart + "'");
  }

  @Test
  void getOptionRangesFollowEtcdRangeEnd() {
    assertEquals(KeyRange.single(FOO), GetOption.DEFAULT.range(FOO));
    assertEquals(new KeyRange(FOO, FOP), GetOption.builder().withRange(FOP).build().range(FOO));
    assertEquals(
        new KeyRange(FOO, ByteSequence.from("fop")),
        GetOption.builder().isPrefix(true).build().range(FOO));
    assertEquals(
        new KeyRange(FOO, KeyRange.NO_END),
        GetOption.builder().withFromKey(true).build().range(FOO));
    assertEquals(
        KeyRange.all(), GetOption.builder().isPrefix(true).build().range(ByteSequence.EMPTY));
    assertEquals(
        KeyRange.all(), GetOption.builder().withFromKey(true).build().range(ByteSequence.EMPTY));
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class, () -> GetOption.DEFAULT.range(ByteSequence.EMPTY));
    assertEquals("key", e.argument());
  }

  @Test
  void getOptionDefaultsAndEffectiveSortOrder() {
    GetOption d = GetOption.DEFAULT;
    assertEquals(0, d.limit());
    assertEquals(0, d.revision());
    assertFalse(d.isSerializable());
    assertEquals(GetOption.SortOrder.NONE, d.effectiveSortOrder());
    assertEquals(
        GetOption.SortOrder.ASCEND,
        GetOption.builder()
            .withSortField(GetOption.SortTarget.VERSION)
            .build()
            .effectiveSortOrder(),
        "a non-KEY sort field with order NONE sorts ascending, as in etcd");
    assertEquals(
        GetOption.SortOrder.DESCEND,
        GetOption.builder()
            .withSortOrder(GetOption.SortOrder.DESCEND)
            .build()
            .effectiveSortOrder());
  }

  @Test
  void putDeleteCompactOptionsCarryTheirSettings() {
    PutOption put = PutOption.builder().withLeaseId(5).withPrevKV().build();
    assertEquals(5, put.leaseId());
    assertTrue(put.isPrevKv());
    assertFalse(put.isIgnoreValue());
    PutOption keep = PutOption.builder().withIgnoreValue().withIgnoreLease().build();
    assertTrue(keep.isIgnoreValue() && keep.isIgnoreLease());
    keep.checkValue(ByteSequence.EMPTY);
    PutOption.DEFAULT.checkValue(FOO);

    DeleteOption del = DeleteOption.builder().isPrefix(true).withPrevKV(true).build();
    assertTrue(del.isPrefix() && del.isPrevKv());
    assertEquals(new KeyRange(FOO, FOP), del.range(FOO));

    assertFalse(CompactOption.DEFAULT.isPhysical());
    assertTrue(CompactOption.builder().withCompactPhysical(true).build().isPhysical());
  }
}
