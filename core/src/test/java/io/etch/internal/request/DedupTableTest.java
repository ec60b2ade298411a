package io.etch.internal.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.DecodingException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DedupTableTest {
  private static final long SEED = Long.getLong("etch.seed", 0xDEDDL);

  private static RequestHeader id(long member, long request) {
    return new RequestHeader(member, request);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] snapshot(DedupTable table) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    table.writeSnapshot(new DataOutputStream(out));
    return out.toByteArray();
  }

  private static void restore(DedupTable table, byte[] snapshot) throws IOException {
    table.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot)));
  }

  @Test
  void aRetryFindsTheOriginalOutcome() {
    DedupTable table = new DedupTable(10, 1000);
    assertNull(table.outcome(id(1, 1)));
    table.record(id(1, 1), bytes(7, 8));
    assertArrayEquals(bytes(7, 8), table.outcome(id(1, 1)));
    assertTrue(table.contains(id(1, 1)));
    // Same request id from another member is another request.
    assertFalse(table.contains(id(2, 1)));
    table.record(id(2, 1), bytes(9));
    assertArrayEquals(bytes(9), table.outcome(id(2, 1)));
    assertEquals(2, table.size());
    assertEquals(3, table.outcomeBytes());
  }

  @Test
  void recordingTwiceIsAnInvariantViolation() {
    DedupTable table = new DedupTable(10, 1000);
    table.record(id(1, 1), bytes(1));
    assertThrows(IllegalStateException.class, () -> table.record(id(1, 1), bytes(2)));
    assertArrayEquals(bytes(1), table.outcome(id(1, 1)));
  }

  @Test
  void aMissRememberedByContainsStillCatchesADuplicateOfAnotherRequest() {
    DedupTable table = new DedupTable(8, 1024);
    assertFalse(table.contains(id(1, 1)));
    table.record(id(1, 1), bytes(1));
    assertFalse(table.contains(id(1, 2)));
    assertThrows(IllegalStateException.class, () -> table.record(id(1, 1), bytes(1)));
    table.record(id(1, 2), bytes(1));
    assertThrows(IllegalStateException.class, () -> table.record(id(1, 2), bytes(1)));
    assertFalse(table.contains(id(2, 2)));
    table.record(id(2, 3), bytes(1)); // the remembered miss is of (2, 2), not this one
    table.record(id(2, 2), bytes(1));
    assertThrows(IllegalStateException.class, () -> table.record(id(2, 2), bytes(1)));
    assertEquals(4, table.size());
  }

  @Test
  void oneByteOutcomesAreSharedInsideButNeverWithTheCaller() {
    DedupTable table = new DedupTable(8, 1024);
    byte[] given = bytes(1);
    table.record(id(1, 1), given);
    given[0] = 9;
    table.record(id(1, 2), bytes(1));
    byte[] returned = table.outcome(id(1, 2));
    returned[0] = 7;
    assertArrayEquals(bytes(1), table.outcome(id(1, 1)));
    assertArrayEquals(bytes(1), table.outcome(id(1, 2)));
    assertEquals(2, table.outcomeBytes());
  }

  @Test
  void returnedOutcomesAreCopies() {
    DedupTable table = new DedupTable(10, 1000);
    byte[] outcome = bytes(1, 2);
    table.record(id(1, 1), outcome);
    outcome[0] = 9;
    table.outcome(id(1, 1))[1] = 9;
    assertArrayEquals(bytes(1, 2), table.outcome(id(1, 1)));
  }

  @Test
  void evictsTheOldestByCount() {
    DedupTable table = new DedupTable(3, 1000);
    for (int i = 1; i <= 5; i++) {
      table.record(id(1, i), bytes(i));
    }
    assertEquals(3, table.size());
    assertFalse(table.contains(id(1, 1)));
    assertFalse(table.contains(id(1, 2)));
    for (int i = 3; i <= 5; i++) {
      assertArrayEquals(bytes(i), table.outcome(id(1, i)));
    }
  }

  @Test
  void evictsTheOldestByOutcomeBytes() {
    DedupTable table = new DedupTable(100, 10);
    table.record(id(1, 1), new byte[4]);
    table.record(id(1, 2), new byte[4]);
    table.record(id(1, 3), new byte[4]);
    assertFalse(table.contains(id(1, 1)));
    assertTrue(table.contains(id(1, 2)));
    assertEquals(8, table.outcomeBytes());
    table.record(id(1, 4), new byte[10]);
    assertEquals(1, table.size());
    assertThrows(IllegalStateException.class, () -> table.record(id(1, 5), new byte[11]));
  }

  @Test
  void lookupsDoNotAffectEviction() {
    DedupTable table = new DedupTable(2, 1000);
    table.record(id(1, 1), bytes(1));
    table.record(id(1, 2), bytes(2));
    for (int i = 0; i < 10; i++) {
      table.outcome(id(1, 1));
    }
    table.record(id(1, 3), bytes(3));
    assertFalse(table.contains(id(1, 1)), "FIFO, not LRU: the oldest goes however often read");
  }

  @Test
  void twoMembersApplyingTheSameSequenceHoldTheSameTable() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    DedupTable a = new DedupTable(100, 4096);
    DedupTable b = new DedupTable(100, 4096);
    for (int i = 0; i < 5_000; i++) {
      RequestHeader header = id(random.nextInt(5), random.nextLong());
      byte[] outcome = new byte[random.nextInt(100)];
      random.nextBytes(outcome);
      if (!a.contains(header)) {
        a.record(header, outcome);
        b.outcome(header);
        b.record(header, outcome);
      }
    }
    assertArrayEquals(snapshot(a), snapshot(b), "seed " + SEED);
  }

  @Test
  void snapshotRoundTripKeepsEntriesAndEvictionOrder() throws IOException {
    DedupTable table = new DedupTable(4, 1000);
    for (int i = 1; i <= 6; i++) {
      table.record(id(i % 2, i), bytes(i, i));
    }
    byte[] snapshot = snapshot(table);
    DedupTable restored = new DedupTable(4, 1000);
    restored.record(id(9, 9), bytes(9));
    restore(restored, snapshot);
    assertFalse(restored.contains(id(9, 9)), "a restore replaces the content");
    assertEquals(4, restored.size());
    assertArrayEquals(snapshot, snapshot(restored));
    table.record(id(1, 7), bytes(7));
    restored.record(id(1, 7), bytes(7));
    assertArrayEquals(snapshot(table), snapshot(restored), "same eviction after restore");
    assertFalse(restored.contains(id(1, 3)));

    DedupTable smaller = new DedupTable(2, 1000);
    restore(smaller, snapshot);
    assertTrue(smaller.contains(id(1, 5)));
    assertTrue(smaller.contains(id(0, 6)));
    assertEquals(2, smaller.size());
  }

  @Test
  void corruptSnapshotsAreTypedErrors() throws IOException {
    DedupTable table = new DedupTable(4, 1000);
    table.record(id(1, 1), bytes(1));
    byte[] snapshot = snapshot(table);
    byte[] badMagic = snapshot.clone();
    badMagic[0] ^= 1;
    assertThrows(DecodingException.class, () -> restore(new DedupTable(4, 1000), badMagic));
    byte[] badLength = snapshot.clone();
    // outcome length field: magic, version, count, member, request = 4 + 4 + 4 + 8 + 8 = 28
    badLength[28] = (byte) 0x7F;
    assertThrows(DecodingException.class, () -> restore(new DedupTable(4, 1000), badLength));
    byte[] truncated = java.util.Arrays.copyOf(snapshot, snapshot.length - 1);
    assertThrows(IOException.class, () -> restore(new DedupTable(4, 1000), truncated));
    DedupTable kept = new DedupTable(4, 1000);
    kept.record(id(5, 5), bytes(5));
    assertThrows(DecodingException.class, () -> restore(kept, badLength));
    assertThrows(IOException.class, () -> restore(kept, truncated));
    assertArrayEquals(bytes(5), kept.outcome(id(5, 5)), "a failed restore changes nothing");
    assertEquals(1, kept.size());
  }

  /**
   * The ring and its open-addressing index against a plain FIFO model: random members (few, so
   * request ids collide across members), sequential and random request ids, outcome sizes that
   * trigger eviction by bytes as well as by count, lookups of present, evicted and never-seen ids,
   * and a snapshot round trip now and then, on small tables so the index wraps and shifts often.
   */
  @Test
  void matchesAFifoModelUnderRandomRecordsAndEvictions() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int round = 0; round < 40; round++) {
      int maxEntries = 1 + r.nextInt(64);
      long maxBytes = 1 + r.nextInt(400);
      DedupTable table = new DedupTable(maxEntries, maxBytes);
      java.util.LinkedHashMap<RequestHeader, byte[]> model = new java.util.LinkedHashMap<>();
      long[] nextId = new long[4];
      long modelBytes = 0;
      String ctx = "seed " + SEED + " (-Detch.seed), round " + round;
      for (int step = 0; step < 2000; step++) {
        int member = r.nextInt(4);
        long request = r.nextInt(3) == 0 ? r.nextLong(1000) : ++nextId[member];
        RequestHeader h = id(member * 7L, request);
        if (model.containsKey(h)) {
          assertTrue(table.contains(h), ctx);
          continue;
        }
        byte[] outcome = new byte[r.nextInt((int) Math.min(maxBytes, 40) + 1)];
        r.nextBytes(outcome);
        table.record(h, outcome);
        model.put(h, outcome);
        modelBytes += outcome.length;
        var it = model.entrySet().iterator();
        while (model.size() > maxEntries || modelBytes > maxBytes) {
          modelBytes -= it.next().getValue().length;
          it.remove();
        }
        if (step % 97 == 0) {
          DedupTable copy = new DedupTable(maxEntries, maxBytes);
          restore(copy, snapshot(table));
          table = copy;
        }
        assertEquals(model.size(), table.size(), ctx);
        assertEquals(modelBytes, table.outcomeBytes(), ctx);
        for (int probe = 0; probe < 4; probe++) {
          RequestHeader q = id(r.nextInt(4) * 7L, r.nextLong(nextId[0] + 1000));
          byte[] expected = model.get(q);
          if (expected == null) {
            assertNull(table.outcome(q), ctx);
          } else {
            assertArrayEquals(expected, table.outcome(q), ctx);
          }
        }
      }
      for (var e : model.entrySet()) {
        assertArrayEquals(e.getValue(), table.outcome(e.getKey()), ctx);
      }
    }
  }

  /**
   * The applier's pattern, {@code contains} then {@code record} of the same request, on tables kept
   * full (so {@code contains} also finds the oldest entry's index slot for the eviction that
   * follows), against a FIFO model: sometimes another lookup (a hit, a miss of another request, an
   * {@code outcome}) comes in between, or the outcome is large enough to evict more than the oldest
   * by bytes; every present entry is checked at the end of each round.
   *
   * <p>Replay: {@code ./mvnw -B -ntp -pl core test -Dtest=DedupTableTest -Detch.seed=SEED}.
   */
  @Test
  void containsThenRecordOnFullTablesMatchesAFifoModel() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int round = 0; round < 40; round++) {
      int maxEntries = 1 + r.nextInt(48);
      long maxBytes = 1 + r.nextInt(300);
      DedupTable table = new DedupTable(maxEntries, maxBytes);
      java.util.LinkedHashMap<RequestHeader, byte[]> model = new java.util.LinkedHashMap<>();
      long modelBytes = 0;
      String ctx = "seed " + SEED + " (-Detch.seed), round " + round;
      for (int step = 0; step < 3000; step++) {
        RequestHeader h = id(r.nextInt(3), r.nextLong(4 * maxEntries));
        boolean present = model.containsKey(h);
        assertEquals(present, table.contains(h), ctx + ", step " + step);
        if (present) {
          continue;
        }
        switch (r.nextInt(8)) {
          case 0 -> table.contains(id(r.nextInt(3), r.nextLong(4 * maxEntries)));
          case 1 -> table.outcome(id(r.nextInt(3), r.nextLong(4 * maxEntries)));
          case 2 -> {
            if (!model.isEmpty()) {
              assertTrue(table.contains(model.keySet().iterator().next()), ctx);
            }
          }
          default -> {}
        }
        int length = r.nextInt(4) == 0 ? r.nextInt((int) maxBytes + 1) : 1;
        byte[] outcome = new byte[length];
        r.nextBytes(outcome);
        table.record(h, outcome);
        model.put(h, outcome);
        modelBytes += length;
        var it = model.entrySet().iterator();
        while (model.size() > maxEntries || modelBytes > maxBytes) {
          modelBytes -= it.next().getValue().length;
          it.remove();
        }
        assertEquals(model.size(), table.size(), ctx + ", step " + step);
        assertEquals(modelBytes, table.outcomeBytes(), ctx + ", step " + step);
      }
      for (var e : model.entrySet()) {
        assertArrayEquals(e.getValue(), table.outcome(e.getKey()), ctx);
      }
    }
  }

  @Test
  void constructorRejectsNonPositiveLimits() {
    assertThrows(IllegalArgumentException.class, () -> new DedupTable(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new DedupTable(10, 0));
  }
}
