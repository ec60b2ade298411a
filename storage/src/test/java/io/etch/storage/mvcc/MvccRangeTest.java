package io.etch.storage.mvcc;

import static io.etch.storage.mvcc.MvccModelTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven checks of etcd's range conventions, sort orders and targets, filters and limits. */
class MvccRangeTest {
  private MvccStore store;

  /**
   * Writes, one revision each: rev 1 a=3, 2 b=1, 3 c=2, 4 a=1 (a version 2), 5 ab=9, 6 d=0, 7
   * 0xff=5, 8 delete d.
   */
  @BeforeEach
  void fill() {
    store = MvccStore.create(MvccConfig.defaults());
    store.put(PutRequest.of(b("a"), b("3")));
    store.put(PutRequest.of(b("b"), b("1")));
    store.put(PutRequest.of(b("c"), b("2")));
    store.put(PutRequest.of(b("a"), b("1")));
    store.put(PutRequest.of(b("ab"), b("9")));
    store.put(PutRequest.of(b("d"), b("0")));
    store.put(PutRequest.of(new byte[] {(byte) 0xff}, b("5")));
    store.deleteRange(DeleteRangeRequest.key(b("d")));
  }

  private static String keys(RangeResponse r) {
    StringBuilder sb = new StringBuilder();
    for (KeyValue kv : r.kvs()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(
          kv.key()[0] == (byte) 0xff ? "ff" : new String(kv.key(), StandardCharsets.US_ASCII));
    }
    return sb.toString();
  }

  static Stream<Arguments> ranges() {
    byte[] none = new byte[0];
    byte[] all = {0};
    return Stream.of(
        // key, rangeEnd, revision, expected keys, expected count
        Arguments.of("single key", b("a"), none, 0L, "a", 1L),
        Arguments.of("missing single key", b("aa"), none, 0L, "", 0L),
        Arguments.of("deleted key", b("d"), none, 0L, "", 0L),
        Arguments.of("deleted key at old revision", b("d"), none, 7L, "d", 1L),
        Arguments.of("prefix a", b("a"), Keys.prefixEnd(b("a")), 0L, "a,ab", 2L),
        Arguments.of("[a, c)", b("a"), b("c"), 0L, "a,ab,b", 3L),
        Arguments.of("[b, b) is empty", b("b"), b("b"), 0L, "", 0L),
        Arguments.of("from b to the end", b("b"), all, 0L, "b,c,ff", 3L),
        Arguments.of("all keys", all, all, 0L, "a,ab,b,c,ff", 5L),
        Arguments.of("all keys at rev 3", all, all, 3L, "a,b,c", 3L),
        Arguments.of(
            "prefix of 0xff is all from 0xff",
            new byte[] {(byte) 0xff},
            Keys.prefixEnd(new byte[] {(byte) 0xff}),
            0L,
            "ff",
            1L),
        Arguments.of(
            "unsigned: [c, 0xff) excludes 0xff", b("c"), new byte[] {(byte) 0xff}, 0L, "c", 1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void rangeConventions(
      String name, byte[] key, byte[] end, long rev, String expected, long count) {
    RangeResponse r = store.range(RangeRequest.builder(key).rangeEnd(end).revision(rev).build());
    assertEquals(expected, keys(r), name);
    assertEquals(count, r.count(), name + " count");
    assertEquals(8, r.revision(), name + " revision is the store's");
    assertFalse(r.more());
  }

  static Stream<Arguments> sorts() {
    return Stream.of(
        Arguments.of(SortOrder.NONE, SortTarget.KEY, "a,ab,b,c,ff"),
        Arguments.of(SortOrder.ASCEND, SortTarget.KEY, "a,ab,b,c,ff"),
        Arguments.of(SortOrder.DESCEND, SortTarget.KEY, "ff,c,b,ab,a"),
        // A non-KEY target with NONE sorts ascending, as etcd.
        Arguments.of(SortOrder.NONE, SortTarget.VALUE, "a,b,c,ff,ab"),
        Arguments.of(SortOrder.ASCEND, SortTarget.VALUE, "a,b,c,ff,ab"),
        Arguments.of(SortOrder.DESCEND, SortTarget.VALUE, "ab,ff,c,a,b"),
        Arguments.of(SortOrder.ASCEND, SortTarget.CREATE, "a,b,c,ab,ff"),
        Arguments.of(SortOrder.DESCEND, SortTarget.CREATE, "ff,ab,c,b,a"),
        Arguments.of(SortOrder.ASCEND, SortTarget.MOD, "b,c,a,ab,ff"),
        Arguments.of(SortOrder.DESCEND, SortTarget.MOD, "ff,ab,a,c,b"),
        // Ties (version 1) keep key order; a (version 2) sorts last ascending.
        Arguments.of(SortOrder.ASCEND, SortTarget.VERSION, "ab,b,c,ff,a"),
        Arguments.of(SortOrder.DESCEND, SortTarget.VERSION, "a,ab,b,c,ff"));
  }

  @ParameterizedTest(name = "{0} by {1}")
  @MethodSource("sorts")
  void sortOrdersAndTargets(SortOrder order, SortTarget target, String expected) {
    RangeResponse r =
        store.range(
            RangeRequest.builder(new byte[] {0})
                .rangeEnd(new byte[] {0})
                .sort(order, target)
                .build());
    assertEquals(expected, keys(r));
  }

  @Test
  void limitSetsMoreAndCountIgnoresLimit() {
    RangeResponse r =
        store.range(RangeRequest.builder(b("a")).rangeEnd(new byte[] {0}).limit(2).build());
    assertEquals("a,ab", keys(r));
    assertTrue(r.more());
    assertEquals(5, r.count());
    RangeResponse exact =
        store.range(RangeRequest.builder(b("a")).rangeEnd(new byte[] {0}).limit(5).build());
    assertFalse(exact.more());
    // Limit applies after sorting.
    RangeResponse sorted =
        store.range(
            RangeRequest.builder(b("a"))
                .rangeEnd(new byte[] {0})
                .limit(2)
                .sort(SortOrder.DESCEND, SortTarget.KEY)
                .build());
    assertEquals("ff,c", keys(sorted));
    assertTrue(sorted.more());
  }

  static Stream<Arguments> filters() {
    return Stream.of(
        // minMod, maxMod, minCreate, maxCreate, expected
        Arguments.of(4L, 0L, 0L, 0L, "a,ab,ff"),
        Arguments.of(0L, 3L, 0L, 0L, "b,c"),
        Arguments.of(0L, 0L, 2L, 0L, "ab,b,c,ff"),
        Arguments.of(0L, 0L, 0L, 1L, "a"),
        Arguments.of(3L, 5L, 2L, 4L, "c"),
        Arguments.of(0L, 0L, 0L, 0L, "a,ab,b,c,ff"));
  }

  @ParameterizedTest(name = "mod [{0},{1}] create [{2},{3}]")
  @MethodSource("filters")
  void revisionFiltersKeepCountUnfiltered(
      long minMod, long maxMod, long minCreate, long maxCreate, String expected) {
    RangeResponse r =
        store.range(
            RangeRequest.builder(new byte[] {0})
                .rangeEnd(new byte[] {0})
                .modRevisions(minMod, maxMod)
                .createRevisions(minCreate, maxCreate)
                .build());
    assertEquals(expected, keys(r));
    assertEquals(5, r.count(), "count ignores filters, as etcd");
  }

  @Test
  void keysOnlyAndCountOnly() {
    RangeResponse keysOnly =
        store.range(RangeRequest.builder(b("a")).rangeEnd(b("b")).keysOnly(true).build());
    assertEquals("a,ab", keys(keysOnly));
    for (KeyValue kv : keysOnly.kvs()) {
      assertEquals(0, kv.value().length);
      assertTrue(kv.modRevision() > 0);
    }
    RangeResponse countOnly =
        store.range(
            RangeRequest.builder(b("a")).rangeEnd(new byte[] {0}).countOnly(true).limit(1).build());
    assertEquals(List.of(), countOnly.kvs());
    assertEquals(5, countOnly.count());
    assertFalse(countOnly.more());
  }

  @Test
  void keyValueFieldsFollowGenerations() {
    KeyValue a = store.view().get(b("a"));
    assertEquals(new KeyValue(b("a"), b("1"), 1, 4, 2, 0), a);
    store.deleteRange(DeleteRangeRequest.key(b("a")));
    store.put(PutRequest.of(b("a"), b("new")));
    KeyValue again = store.view().get(b("a"));
    assertEquals(new KeyValue(b("a"), b("new"), 10, 10, 1, 0), again);
    assertEquals(a, store.view().get(b("a"), 4));
  }
}
