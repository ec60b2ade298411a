package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.internal.request.LeaseCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LessorSnapshotTest {
  private static final long S = 1_000_000_000L;
  private static final long SEED = Long.getLong("etch.seed", 0x5A95L);

  private static LessorConfig config() {
    return LessorConfig.builder().minTtlSeconds(2).build();
  }

  private static byte[] snapshot(Lessor lessor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lessor.writeSnapshot(new DataOutputStream(out));
    return out.toByteArray();
  }

  private static void restore(Lessor lessor, byte[] bytes) throws IOException {
    lessor.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  @Test
  void roundTripKeepsLeasesAttachmentsAndCheckpoints() throws IOException {
    Lessor original = new Lessor(config());
    original.grant(3, 30, 0);
    original.grant(1, 10, 0);
    original.grant(2, 1, 0);
    original.attach(ByteSequence.from("b"), 1);
    original.attach(ByteSequence.from("a"), 1);
    original.attach(ByteSequence.from("c"), 3);
    original.checkpoint(List.of(new LeaseCheckpoint(3, 12_345)), 0);
    byte[] bytes = snapshot(original);

    Lessor restored = new Lessor(config());
    restored.grant(99, 10, 0);
    restore(restored, bytes);
    assertArrayEquals(new long[] {1, 2, 3}, restored.leases(), "replaces what was there");
    assertEquals(original.lease(1), restored.lease(1));
    assertEquals(original.lease(2), restored.lease(2));
    assertEquals(12_345, restored.lease(3).orElseThrow().remainingTtlMs());
    assertEquals(1, restored.leaseOf(ByteSequence.from("a")));
    assertEquals(3, restored.leaseOf(ByteSequence.from("c")));
    assertArrayEquals(bytes, snapshot(restored));
    assertEquals(List.of(ByteSequence.from("a"), ByteSequence.from("b")), restored.revoke(1));

    // the restored member can lead: the checkpointed lease restarts from 12.345 s
    restored.promote(100 * S);
    assertArrayEquals(new long[] {2}, restored.expired(102 * S, 10));
    restored.revoke(2);
    assertArrayEquals(new long[0], restored.expired(112_345_000_000L - 1, 10));
    assertArrayEquals(new long[] {3}, restored.expired(112_345_000_000L, 10));
  }

  @Test
  void membersApplyingTheSameEntriesWriteIdenticalSnapshots() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    Lessor a = new Lessor(config());
    Lessor b = new Lessor(config());
    a.promote(0); // leadership must not show in the replicated state
    for (int i = 0; i < 5_000; i++) {
      long id = 1 + random.nextInt(200);
      ByteSequence key = ByteSequence.from("k" + random.nextInt(1000));
      switch (random.nextInt(5)) {
        case 0 -> {
          if (a.lease(id).isEmpty()) {
            long ttl = 5 + random.nextInt(100);
            a.grant(id, ttl, i * S);
            b.grant(id, ttl, i);
          }
        }
        case 1 -> {
          if (a.lease(id).isPresent()) {
            assertEquals(a.revoke(id), b.revoke(id));
          }
        }
        case 2, 3 -> {
          if (a.lease(id).isPresent()) {
            a.attach(key, id);
            b.attach(key, id);
          }
        }
        default -> {
          a.detach(key);
          b.detach(key);
        }
      }
    }
    assertArrayEquals(snapshot(a), snapshot(b), "seed " + SEED);
  }

  @Test
  void ttlsBelowTheMinimumAreRaisedOnRestore() throws IOException {
    Lessor small = new Lessor(LessorConfig.builder().minTtlSeconds(1).build());
    small.grant(1, 1, 0);
    Lessor big = new Lessor(LessorConfig.builder().minTtlSeconds(5).build());
    restore(big, snapshot(small));
    assertEquals(5, big.lease(1).orElseThrow().ttlSeconds());
  }

  @Test
  void aLeaderDoesNotInstallSnapshots() throws IOException {
    Lessor lessor = new Lessor(config());
    byte[] empty = snapshot(lessor);
    lessor.promote(0);
    assertThrows(IllegalStateException.class, () -> restore(lessor, empty));
    lessor.demote();
    restore(lessor, empty);
  }

  private static byte[] section(long id, long ttl, long remainingMs, String... keys) {
    int size = 12 + 24 + 4;
    for (String k : keys) {
      size += 4 + k.length();
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(0x454C5345).putInt(1).putInt(1).putLong(id).putLong(ttl).putLong(remainingMs);
    b.putInt(keys.length);
    for (String k : keys) {
      b.putInt(k.length()).put(k.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return b.array();
  }

  @Test
  void corruptSectionsAreTypedErrors() throws IOException {
    Lessor lessor = new Lessor(config());
    restore(lessor, section(1, 10, 0, "a", "b"));
    assertEquals(2, lessor.lease(1).orElseThrow().keys().size());
    for (byte[] bad :
        List.of(
            section(0, 10, 0),
            section(1, 0, 0),
            section(1, io.etch.lease.Lease.MAX_TTL_SECONDS + 1, 0),
            section(1, 10, -1),
            section(1, 10, 0, ""),
            section(1, 10, 0, "a", "a"))) {
      DecodingException e = assertThrows(DecodingException.class, () -> restore(lessor, bad));
      assertEquals(LeaseSnapshotCodec.CODEC, e.codec());
    }
    byte[] badMagic = section(1, 10, 0);
    badMagic[0] = 0;
    assertThrows(DecodingException.class, () -> restore(lessor, badMagic));
    byte[] hugeKey = section(1, 10, 0, "a");
    ByteBuffer.wrap(hugeKey).putInt(12 + 24, 1); // one key
    ByteBuffer.wrap(hugeKey).putInt(12 + 24 + 4, Integer.MAX_VALUE);
    assertThrows(DecodingException.class, () -> restore(lessor, hugeKey));
    byte[] truncated = java.util.Arrays.copyOf(section(1, 10, 0, "abc"), 40);
    assertThrows(IOException.class, () -> restore(lessor, truncated));
    assertArrayEquals(new long[] {1}, lessor.leases(), "a failed restore changes nothing");
    assertEquals(1, lessor.leaseOf(ByteSequence.from("a")));
  }
}
