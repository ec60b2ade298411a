package io.etch.storage.wal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paged index against a plain list model, through seeded random operations. */
class LogIndexTest {
  @Test
  void pagedIndexMatchesAListModelAcrossPageBoundaries() {
    long seed = Long.getLong("etch.wal.seed", 20261121L);
    Random random = new Random(seed);
    String replay =
        "seed "
            + seed
            + "; replay: ./mvnw -B -ntp -pl storage test -Dtest=LogIndexTest -Detch.wal.seed="
            + seed;
    LogIndex index = new LogIndex(1);
    List<Long> model = new ArrayList<>();
    long first = 1;
    long sequence = 1;
    int offset = 0;
    for (int step = 0; step < 3000; step++) {
      int op = random.nextInt(100);
      if (op < 70) {
        int n = random.nextInt(3 * LogIndex.PAGE_LENGTH / 2);
        for (int i = 0; i < n; i++) {
          if (random.nextInt(500) == 0) {
            sequence++;
            offset = 0;
          }
          long packed = Segment.pack(sequence, offset += 8);
          index.append(packed);
          model.add(packed);
        }
      } else if (op < 85 && !model.isEmpty()) {
        long from = first + random.nextInt(model.size() + 1);
        index.truncateFrom(from);
        model.subList((int) (from - first), model.size()).clear();
      } else if (op < 97 && !model.isEmpty()) {
        long below = Segment.sequenceOf(model.get(random.nextInt(model.size()))) + 1;
        index.dropSegmentsBelow(below);
        while (!model.isEmpty() && Segment.sequenceOf(model.get(0)) < below) {
          model.remove(0);
          first++;
        }
      } else {
        long next = first + model.size() + random.nextInt(10);
        index.reset(next);
        model.clear();
        first = next;
      }
      assertEquals(first, index.firstIndex(), replay);
      assertEquals(first + model.size(), index.nextIndex(), replay);
      for (int probe = 0; probe < 20 && !model.isEmpty(); probe++) {
        int i = random.nextInt(model.size());
        assertEquals(
            model.get(i), index.position(first + i), "index " + (first + i) + ", " + replay);
      }
      if (!model.isEmpty()) {
        assertEquals(model.get(0), index.position(first), replay);
        assertEquals(model.get(model.size() - 1), index.position(first + model.size() - 1), replay);
      }
    }
  }
}
