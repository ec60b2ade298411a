package io.etch.storage.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadIndex} as a map, against a {@link HashMap} model: inserts that grow the table, head
 * replacements, removals and re-inserts of removed keys (which reuse their slot), and purging
 * rebuilds when many keys were removed. Keys are looked up through copies, so equality is by
 * content. Its consistency with the tree and with views pinned at old revisions is checked by
 * {@link MvccModelTest}.
 */
class HeadIndexTest {
  private static final int SEQUENCES = 40;
  private static final int OPS_PER_SEQUENCE = 5_000;

  @Test
  void randomOperationsMatchAHashMap() {
    for (long seed = 0x1d00; seed < 0x1d00 + SEQUENCES; seed++) {
      try {
        runOne(seed);
      } catch (AssertionError e) {
        throw new AssertionError(
            "HeadIndex mismatch with seed "
                + seed
                + "; replay: ./mvnw -B -ntp -pl storage test -Dtest=HeadIndexTest",
            e);
      }
    }
  }

  private static void runOne(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    HeadIndex index = new HeadIndex();
    Map<ByteBuffer, Version> model = new HashMap<>();
    // Few distinct keys in some sequences (many removes and re-inserts), many in others (growth).
    int keySpace = 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 20_000);
    for (int op = 0; op < OPS_PER_SEQUENCE; op++) {
      byte[] key = key(rnd.nextInt(keySpace));
      int dice = rnd.nextInt(10);
      if (dice < 6) {
        Version head = new Version(op + 1, 0, 1, 1, 0, new byte[0], null);
        index.put(key, head);
        model.put(ByteBuffer.wrap(key), head);
      } else if (dice < 9) {
        index.remove(key);
        model.remove(ByteBuffer.wrap(key));
      } else {
        index.raiseFloor(op);
        index.raiseFloor(op - 1);
        assertEquals(op, index.floorRevision(), "the floor never goes down");
      }
      byte[] probe = key(rnd.nextInt(keySpace)).clone();
      assertSame(model.get(ByteBuffer.wrap(probe)), index.head(probe), "head at op " + op);
      assertEquals(model.size(), index.size(), "size at op " + op);
    }
    for (Map.Entry<ByteBuffer, Version> e : model.entrySet()) {
      byte[] k = new byte[e.getKey().remaining()];
      e.getKey().duplicate().get(k);
      assertSame(e.getValue(), index.head(k));
    }
  }

  /** Keys of varied lengths (0 to 20 bytes after a 1-byte tag), deterministic per number. */
  private static byte[] key(int n) {
    int len = 1 + (n % 21);
    byte[] k = new byte[len];
    k[0] = (byte) n;
    for (int i = 1; i < len; i++) {
      k[i] = (byte) ((n >>> ((i % 4) * 8)) + i);
    }
    return k;
  }

  @Test
  void anIndexBuiltFromATreeHoldsEveryHeadAndTheFloor() {
    PersistentBTree.Builder<Version> b = new PersistentBTree.Builder<>();
    for (int i = 0; i < 1000; i++) {
      b.add(String.format("k%04d", i).getBytes(), new Version(i + 1, 0, i + 1, 1, 0, null, null));
    }
    PersistentBTree<Version> tree = b.build();
    HeadIndex index = HeadIndex.of(tree, 7);
    assertEquals(7, index.floorRevision());
    assertEquals(1000, index.size());
    for (int i = 0; i < 1000; i++) {
      byte[] k = String.format("k%04d", i).getBytes();
      assertSame(tree.get(k), index.head(k));
    }
    assertNull(index.head("k1000".getBytes()));
  }
}
