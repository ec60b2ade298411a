package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The persistent B+tree against {@link TreeMap}: random inserts, replacements and removals deep
 * enough to split and merge nodes at several levels, cursors both ways from random keys, old
 * versions untouched by later updates, and the bulk builder.
 *
 * <p>Replay: {@code ./mvnw -B -ntp -pl storage test -Dtest=PersistentBTreeTest -Detch.seed=SEED}.
 */
class PersistentBTreeTest {
  private static final long SEED = Long.getLong("etch.seed", 0xb7ee0000L);

  @Test
  void randomOperationsMatchTreeMap() {
    forSeeds(20, 12000);
  }

  @Test
  @Tag("soak")
  void manyRandomOperationsMatchTreeMap() {
    forSeeds(400, 40000);
  }

  private static void forSeeds(int seeds, int ops) {
    String fixed = System.getProperty("etch.seed");
    if (fixed != null) {
      run(Long.parseLong(fixed), ops);
      return;
    }
    for (int i = 0; i < seeds; i++) {
      run(0xb7ee0000L + i, ops);
    }
  }

  private static byte[] randomKey(SplittableRandom rnd, int space) {
    int n = rnd.nextInt(space);
    if ((space & 1) == 0) {
      // Short keys with high bytes and zero bytes: unsigned order and zero-padded hint ties.
      byte[] k = new byte[1 + (n % 3)];
      k[0] = (byte) (n * 7);
      for (int i = 1; i < k.length; i++) {
        k[i] = (byte) (n >> (3 * i));
      }
      return k;
    }
    // Long shared prefixes (longer than a hint) with suffixes of varying length over a tiny
    // alphabet: keys that are prefixes of each other, hints that tie, node prefixes that change.
    byte[] alphabet = {0, 1, 'a', (byte) 0xff};
    int prefixes = 1 + (space % 3);
    int suffixLength = n % 13;
    byte[] k = new byte[14 + suffixLength];
    byte[] base = "/registry/pod".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(base, 0, k, 0, base.length);
    k[13] = (byte) ('0' + (n % prefixes));
    int x = n;
    for (int i = 0; i < suffixLength; i++) {
      k[14 + i] = alphabet[x & 3];
      x = (x >>> 2) ^ (i * 31);
    }
    return k;
  }

  private static void run(long seed, int ops) {
    try {
      SplittableRandom rnd = new SplittableRandom(seed);
      NavigableMap<byte[], Integer> ref = new TreeMap<>(Arrays::compareUnsigned);
      PersistentBTree<Integer> tree = PersistentBTree.empty();
      int space = 200 + rnd.nextInt(8000);
      PersistentBTree<Integer> frozen = null;
      Map<byte[], Integer> frozenRef = null;
      for (int i = 0; i < ops; i++) {
        byte[] k = randomKey(rnd, space);
        // Phases of mostly inserts then mostly removals, to drive splits and merges.
        boolean removing = (i / 3000) % 2 == 1;
        if (rnd.nextInt(10) < (removing ? 7 : 2)) {
          tree = tree.remove(k);
          ref.remove(k);
        } else if (rnd.nextBoolean()) {
          tree = tree.put(k, i);
          ref.put(k, i);
        } else {
          Integer expectedOld = ref.get(k);
          int next = i;
          tree =
              tree.update(
                  k,
                  old -> {
                    assertEquals(expectedOld, old, "update sees the current value");
                    return next;
                  });
          ref.put(k, i);
        }
        if (i == ops / 3) {
          frozen = tree;
          frozenRef = new TreeMap<>(Arrays::compareUnsigned);
          frozenRef.putAll(ref);
        }
        if (rnd.nextInt(50) == 0) {
          checkCursors(tree, ref, rnd, space);
        }
        assertEquals(ref.size(), tree.size());
        assertEquals(ref.get(k), tree.get(k));
      }
      checkAll(tree, ref);
      // A tree taken earlier is unaffected by every later update.
      checkAll(frozen, frozenRef);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed "
              + seed
              + "; replay: ./mvnw -B -ntp -pl storage test -Dtest=PersistentBTreeTest -Detch.seed="
              + seed,
          e);
    }
  }

  private static void checkAll(PersistentBTree<Integer> tree, Map<byte[], Integer> ref) {
    NavigableMap<byte[], Integer> sorted = new TreeMap<>(Arrays::compareUnsigned);
    sorted.putAll(ref);
    assertEquals(sorted.size(), tree.size());
    List<String> expected = new ArrayList<>();
    sorted.forEach((k, v) -> expected.add(Arrays.toString(k) + "=" + v));
    assertEquals(expected, drain(tree.ascending(null), Integer.MAX_VALUE));
    List<String> reversed = new ArrayList<>();
    sorted.descendingMap().forEach((k, v) -> reversed.add(Arrays.toString(k) + "=" + v));
    assertEquals(reversed, drain(tree.descending(null), Integer.MAX_VALUE));
  }

  private static void checkCursors(
      PersistentBTree<Integer> tree,
      NavigableMap<byte[], Integer> ref,
      SplittableRandom rnd,
      int space) {
    byte[] from = randomKey(rnd, space);
    int n = 1 + rnd.nextInt(150);
    List<String> up = new ArrayList<>();
    for (Map.Entry<byte[], Integer> e : ref.tailMap(from, true).entrySet()) {
      if (up.size() == n) {
        break;
      }
      up.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    assertEquals(up, drain(tree.ascending(from), n));
    List<String> down = new ArrayList<>();
    for (Map.Entry<byte[], Integer> e : ref.headMap(from, true).descendingMap().entrySet()) {
      if (down.size() == n) {
        break;
      }
      down.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    assertEquals(down, drain(tree.descending(from), n));
  }

  private static List<String> drain(PersistentBTree.Cursor<Integer> c, int max) {
    List<String> out = new ArrayList<>();
    while (out.size() < max && c.next()) {
      out.add(Arrays.toString(c.key()) + "=" + c.value());
    }
    return out;
  }

  @Test
  void emptyTreeCursorsAndRemoveAreNoOps() {
    PersistentBTree<String> t = PersistentBTree.empty();
    assertFalse(t.ascending(null).next());
    assertFalse(t.descending(new byte[] {1}).next());
    assertSame(t, t.remove(new byte[] {1}));
    assertNull(t.get(new byte[] {1}));
    assertTrue(t.isEmpty());
  }

  @Test
  void removingAnAbsentKeyReturnsTheSameTree() {
    PersistentBTree<String> t = PersistentBTree.<String>empty().put(new byte[] {1}, "a");
    assertSame(t, t.remove(new byte[] {2}));
  }

  /**
   * The hint's 8-byte reads against its definition byte by byte, for every key length up to 20 and
   * every skip, with random bytes (high bit set half the time, as unsigned order needs).
   */
  @Test
  void hintMatchesItsBytewiseDefinition() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int len = 0; len <= 20; len++) {
      for (int round = 0; round < 50; round++) {
        byte[] key = new byte[len];
        rnd.nextBytes(key);
        for (int skip = 0; skip <= len; skip++) {
          long h = 0;
          for (int i = skip; i < skip + PersistentBTree.HINT_BYTES; i++) {
            h = (h << 8) | (i < len ? key[i] & 0xff : 0);
          }
          long expected =
              ((h << 8) | Math.min(len - skip, PersistentBTree.HINT_BYTES + 1)) ^ Long.MIN_VALUE;
          assertEquals(
              expected,
              PersistentBTree.hint(key, skip),
              "seed " + SEED + ", key " + Arrays.toString(key) + ", skip " + skip);
        }
      }
    }
  }

  @Test
  void unsignedByteOrder() {
    PersistentBTree<String> t =
        PersistentBTree.<String>empty()
            .put(new byte[] {(byte) 0xff}, "ff")
            .put(new byte[] {0x01}, "01")
            .put(new byte[] {(byte) 0x80}, "80")
            .put(new byte[] {0x01, 0x00}, "0100");
    List<String> order = new ArrayList<>();
    PersistentBTree.Cursor<String> c = t.ascending(null);
    while (c.next()) {
      order.add(c.value());
    }
    assertEquals(List.of("01", "0100", "80", "ff"), order);
  }

  @Test
  void builderMatchesIncrementalInsertsAndRejectsDisorder() {
    for (int n : new int[] {0, 1, 47, 48, 49, 3000, 100_000}) {
      PersistentBTree.Builder<Integer> b = new PersistentBTree.Builder<>();
      NavigableMap<byte[], Integer> ref = new TreeMap<>(Arrays::compareUnsigned);
      for (int i = 0; i < n; i++) {
        byte[] k = {(byte) (i >> 16), (byte) (i >> 8), (byte) i};
        b.add(k, i);
        ref.put(k, i);
      }
      PersistentBTree<Integer> t = b.build();
      checkAll(t, ref);
      // The built tree keeps working under updates.
      SplittableRandom rnd = new SplittableRandom(n);
      for (int i = 0; i < Math.min(n, 5000); i++) {
        byte[] k = {(byte) rnd.nextInt(3), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)};
        if (rnd.nextBoolean()) {
          t = t.remove(k);
          ref.remove(k);
        } else {
          t = t.put(k, -i);
          ref.put(k, -i);
        }
      }
      checkAll(t, ref);
    }
    PersistentBTree.Builder<Integer> b = new PersistentBTree.Builder<>();
    b.add(new byte[] {2}, 1);
    assertThrows(IllegalArgumentException.class, () -> b.add(new byte[] {1}, 2));
    assertThrows(IllegalArgumentException.class, () -> b.add(new byte[] {2}, 2));
  }

  @Test
  void readerOnAnotherThreadSeesConsistentSnapshotsWhileWriterGoesOn() throws Exception {
    // The writer publishes trees in which key count == value of key {0}; a reader must always
    // see a tree consistent with itself.
    AtomicReference<PersistentBTree<Integer>> published =
        new AtomicReference<>(PersistentBTree.<Integer>empty().put(new byte[] {0}, 1));
    int rounds = 20_000;
    Thread reader =
        new Thread(
            () -> {
              for (int i = 0; i < rounds; i++) {
                PersistentBTree<Integer> t = published.get();
                int count = 0;
                PersistentBTree.Cursor<Integer> c = t.ascending(null);
                while (c.next()) {
                  count++;
                }
                if (count != t.get(new byte[] {0}) || count != t.size()) {
                  throw new AssertionError("inconsistent snapshot: " + count);
                }
              }
            });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    reader.setUncaughtExceptionHandler((t, e) -> failure.set(e));
    reader.start();
    PersistentBTree<Integer> t = published.get();
    for (int i = 1; i < rounds && reader.isAlive(); i++) {
      t = t.put(new byte[] {1, (byte) (i >> 8), (byte) i}, i);
      t = t.put(new byte[] {0}, t.size());
      published.set(t);
    }
    reader.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }
}
