package io.etch.internal.raftlog;

import static org.junit.jupiter.api.Assertions.*;

import io.etch.raft.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EntryCache} against a plain list model under seeded random appends (contiguous, inside the
 * cached range, past a gap, larger than the cache), truncations and drops: the same entries, the
 * same first index, the same byte count, never over the bound.
 */
class EntryCacheTest {
  private static final long MAX_BYTES = 4_000;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void matchesAListModel(long seed) {
    Random random = new Random(seed);
    EntryCache cache = new EntryCache(MAX_BYTES);
    List<Entry> model = new ArrayList<>();
    long next = 1;
    for (int op = 0; op < 5_000; op++) {
      String where = "seed " + seed + ", op " + op;
      int kind = random.nextInt(20);
      if (kind < 15) {
        append(cache, model, entry(random, next++));
      } else if (kind == 15 && !model.isEmpty()) {
        // a conflicting suffix: overwritten from an index inside the cached range
        long from = model.get(random.nextInt(model.size())).index();
        append(cache, model, entry(random, from));
        next = from + 1;
      } else if (kind == 16) {
        next += 1 + random.nextInt(5); // a gap restarts the cache
        append(cache, model, entry(random, next++));
      } else if (kind == 17 && !model.isEmpty()) {
        long from = model.get(random.nextInt(model.size())).index();
        cache.truncateFrom(from);
        model.removeIf(e -> e.index() >= from);
        next = from;
      } else if (kind == 18 && !model.isEmpty()) {
        long below = model.get(random.nextInt(model.size())).index();
        cache.dropBelow(below);
        model.removeIf(e -> e.index() < below);
      } else if (kind == 19 && random.nextInt(10) == 0) {
        Entry huge = new Entry(1, next++, io.etch.raft.EntryType.NORMAL, new byte[5_000]);
        cache.append(huge);
        model.clear(); // larger than the whole cache: it empties it
      }
      check(cache, model, where);
    }
  }

  private static Entry entry(Random random, long index) {
    return Entry.normal(1, index, new byte[random.nextInt(300)]);
  }

  /** The model's rule for {@link EntryCache#append}. */
  private static void append(EntryCache cache, List<Entry> model, Entry e) {
    cache.append(e);
    if (!model.isEmpty()) {
      long first = model.get(0).index();
      long end = first + model.size();
      if (e.index() > first && e.index() < end) {
        model.removeIf(x -> x.index() >= e.index());
      } else if (e.index() != end) {
        model.clear();
      }
    }
    model.add(e);
    long bytes = model.stream().mapToLong(Entry::sizeBytes).sum();
    while (bytes > MAX_BYTES) {
      bytes -= model.remove(0).sizeBytes();
    }
  }

  private static void check(EntryCache cache, List<Entry> model, String where) {
    long bytes = model.stream().mapToLong(Entry::sizeBytes).sum();
    assertEquals(bytes, cache.sizeBytes(), where);
    assertTrue(cache.sizeBytes() <= MAX_BYTES, where);
    assertEquals(model.isEmpty() ? -1 : model.get(0).index(), cache.firstIndex(), where);
    for (Entry e : model) {
      assertSame(e, cache.get(e.index()), where + ", index " + e.index());
    }
    if (!model.isEmpty()) {
      assertNull(cache.get(model.get(0).index() - 1), where);
      assertNull(cache.get(model.get(model.size() - 1).index() + 1), where);
    }
  }
}
