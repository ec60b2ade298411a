package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Updates under a {@link PersistentBTree.Edit}: seeded random batches of puts, updates (new keys
 * with splits at every level, and replacements) and removes, one edit per batch, against a {@link
 * TreeMap}. The tree each batch ends with must hold exactly the map's content then, and keep
 * holding it while later batches change nodes of their own in place: no node an ended edit created
 * may change again.
 *
 * <p>Replay one seed with {@code ./mvnw -B -ntp -pl storage test -Dtest=PersistentBTreeEditTest
 * -Detch.seed=SEED}.
 */
class PersistentBTreeEditTest {
  private static final int SEEDS = 200;

  @Test
  void treesOfEndedEditsNeverChange() {
    SeededRuns.run(
        "an ended edit's tree changed",
        PersistentBTreeEditTest.class,
        0xed170000L,
        SEEDS,
        PersistentBTreeEditTest::run);
  }

  @Test
  void aReplacementUnderTheSameEditCopiesThePathOnceThenChangesItInPlace() {
    PersistentBTree<Integer> t = PersistentBTree.empty();
    for (int i = 0; i < 10_000; i++) {
      t = t.put(key(i), i);
    }
    PersistentBTree.Edit edit = new PersistentBTree.Edit();
    PersistentBTree<Integer> first = t.put(key(5), -5, edit);
    assertNotSame(t, first, "the first write under an edit copies the path");
    assertSame(first, first.put(key(6), -6, edit), "later replacements change its copy in place");
    assertSame(first, first.update(key(9_999), v -> -v, edit));
    assertEquals(5, t.get(key(5)), "the tree before the edit is unchanged");
    assertEquals(-6, first.get(key(6)));
    assertEquals(-9_999, first.get(key(9_999)));
    PersistentBTree<Integer> next = first.put(key(5), 55, new PersistentBTree.Edit());
    assertNotSame(first, next, "another edit copies again");
    assertEquals(-5, first.get(key(5)));
  }

  private static byte[] key(int i) {
    return String.format("key/%06d", i).getBytes(StandardCharsets.US_ASCII);
  }

  private record Ended(PersistentBTree<Integer> tree, TreeMap<String, Integer> content) {}

  private static void run(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int keySpace = 50 + rnd.nextInt(5_000);
    PersistentBTree<Integer> tree = PersistentBTree.empty();
    TreeMap<String, Integer> model = new TreeMap<>();
    List<Ended> ended = new ArrayList<>();
    for (int batch = 0; batch < 8; batch++) {
      PersistentBTree.Edit edit = new PersistentBTree.Edit();
      int writes = 1 + rnd.nextInt(rnd.nextBoolean() ? 20 : 2_000);
      for (int w = 0; w < writes; w++) {
        int k = rnd.nextInt(keySpace);
        String s = String.format("k%05d", k);
        byte[] key = s.getBytes(StandardCharsets.US_ASCII);
        int dice = rnd.nextInt(10);
        if (dice < 5) {
          tree = tree.put(key, w, edit);
          model.put(s, w);
        } else if (dice < 9) {
          int add = w;
          tree = tree.update(key, v -> v == null ? add : v + add, edit);
          model.merge(s, add, Integer::sum);
        } else {
          tree = tree.remove(key);
          model.remove(s);
        }
      }
      ended.add(new Ended(tree, new TreeMap<>(model)));
      for (Ended e : ended) {
        check(e.tree(), e.content(), "batch " + batch);
      }
    }
  }

  private static void check(
      PersistentBTree<Integer> tree, Map<String, Integer> content, String at) {
    assertEquals(content.size(), tree.size(), at + ": size");
    PersistentBTree.Cursor<Integer> c = tree.ascending(null);
    for (Map.Entry<String, Integer> e : content.entrySet()) {
      assertEquals(true, c.next(), at + ": cursor ended early");
      assertEquals(e.getKey(), new String(c.key(), StandardCharsets.US_ASCII), at + ": key");
      assertEquals(e.getValue(), c.value(), at + ": value of " + e.getKey());
      assertEquals(
          e.getValue(), tree.get(e.getKey().getBytes(StandardCharsets.US_ASCII)), at + ": get");
    }
    assertEquals(false, c.next(), at + ": cursor has extra keys");
  }
}
