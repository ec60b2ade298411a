package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DeadlineHeapTest {
  private static final long SEED = Long.getLong("etch.seed", 0x4EA9L);

  private record Item(long deadline, long id) implements Comparable<Item> {
    @Override
    public int compareTo(Item o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  @Test
  void behavesLikeAnOrderedSetUnderRandomOperations() {
    SplittableRandom random = new SplittableRandom(SEED);
    DeadlineHeap heap = new DeadlineHeap();
    TreeSet<Item> model = new TreeSet<>();
    Map<Long, Long> deadlineOf = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      long id = random.nextInt(500);
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          long deadline = random.nextLong(-1000, 1000);
          Long old = deadlineOf.put(id, deadline);
          if (old != null) {
            model.remove(new Item(old, id));
          }
          model.add(new Item(deadline, id));
          heap.upsert(id, deadline);
        }
        case 2 -> {
          Long old = deadlineOf.remove(id);
          if (old != null) {
            model.remove(new Item(old, id));
          }
          heap.remove(id);
        }
        default -> {
          if (!model.isEmpty()) {
            Item first = model.pollFirst();
            deadlineOf.remove(first.id());
            assertEquals(first.deadline(), heap.peekDeadline(), "seed " + SEED);
            assertEquals(first.id(), heap.poll(), "seed " + SEED);
          }
        }
      }
      assertEquals(model.size(), heap.size(), "seed " + SEED);
      assertEquals(deadlineOf.containsKey(id), heap.contains(id));
    }
  }

  @Test
  void emptyHeapAccessIsAnInvariantViolation() {
    DeadlineHeap heap = new DeadlineHeap();
    assertTrue(heap.isEmpty());
    assertThrows(IllegalStateException.class, heap::peekId);
    heap.upsert(1, 1);
    heap.clear();
    assertFalse(heap.contains(1));
    assertThrows(IllegalStateException.class, heap::poll);
  }
}
