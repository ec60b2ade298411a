package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {

  /** An operation touching the given keys; the input is its name. */
  private record Touch(String name, List<String> keys) {}

  private static Operation<Touch, String> op(String name, long time, String... keys) {
    return Operation.completed(0, new Touch(name, List.of(keys)), "", time, time + 1);
  }

  private static List<Partition<Touch, String>> split(List<Operation<Touch, String>> history) {
    return KeyPartitioner.byConnectedKeys(history, Touch::keys);
  }

  private static List<String> names(Partition<Touch, String> p) {
    return p.operations().stream().map(o -> o.input().name()).collect(Collectors.toList());
  }

  @Test
  void singleKeyOperationsSplitOnePartPerKeyInOrderOfFirstUse() {
    List<Partition<Touch, String>> parts =
        split(List.of(op("b1", 0, "b"), op("a1", 2, "a"), op("b2", 4, "b"), op("c1", 6, "c")));
    assertEquals(
        List.of("key b", "key a", "key c"),
        parts.stream().map(Partition::label).collect(Collectors.toList()));
    assertEquals(List.of("b1", "b2"), names(parts.get(0)));
    assertEquals(List.of("a1"), names(parts.get(1)));
  }

  @Test
  void operationsTouchingSeveralKeysJoinTheirComponentsTransitively() {
    // a-b joined by t1, c-d by t2, then b-c by t3 (late): one component {a,b,c,d}; e apart.
    List<Partition<Touch, String>> parts =
        split(
            List.of(
                op("a1", 0, "a"),
                op("t1", 2, "a", "b"),
                op("e1", 4, "e"),
                op("t2", 6, "c", "d"),
                op("d1", 8, "d"),
                op("t3", 10, "b", "c")));
    assertEquals(2, parts.size());
    assertEquals("keys {a, b, c, d}", parts.get(0).label());
    assertEquals(List.of("a1", "t1", "t2", "d1", "t3"), names(parts.get(0)));
    assertEquals("key e", parts.get(1).label());
  }

  @Test
  void withoutTheLinkingOperationTheComponentsStayApart() {
    List<Partition<Touch, String>> parts =
        split(List.of(op("t1", 0, "a", "b"), op("t2", 2, "c", "d")));
    assertEquals(
        Set.of("keys {a, b}", "keys {c, d}"),
        parts.stream().map(Partition::label).collect(Collectors.toSet()));
  }

  @Test
  void keylessOperationsFormTheirOwnPart() {
    List<Partition<Touch, String>> parts = split(List.of(op("x", 0), op("a1", 2, "a")));
    assertEquals(List.of("key a", "no key"), parts.stream().map(Partition::label).toList());
  }

  @Test
  void unionFindMergesBySizeAndFindsRepresentatives() {
    UnionFind uf = new UnionFind(6);
    uf.union(0, 1);
    uf.union(2, 3);
    assertNotEquals(uf.find(0), uf.find(2));
    uf.union(1, 3);
    assertEquals(uf.find(0), uf.find(2));
    assertEquals(uf.find(0), uf.find(3));
    assertNotEquals(uf.find(0), uf.find(4));
    assertEquals(uf.find(4), uf.union(4, 4));
    assertEquals(5, uf.find(5));
  }
}
