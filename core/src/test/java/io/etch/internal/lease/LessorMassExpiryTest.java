package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;

/**
 * 100,000 leases expiring together come out in batches no faster than the revoke rate, in deadline
 * order, none lost and none twice.
 */
class LessorMassExpiryTest {
  private static final long S = 1_000_000_000L;
  private static final long STEP = S / 10; // the node polls every 100 ms
  private static final int LEASES = 100_000;
  private static final int RATE = 1000;
  private static final long SEED = Long.getLong("etch.seed", 0x100_000L);
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=LessorMassExpiryTest -Detch.seed=";

  /** One poll's result: when, and which leases. */
  private record Batch(long nowNs, long[] ids) {}

  private static Lessor lessor() {
    return new Lessor(LessorConfig.builder().minTtlSeconds(2).maxRevokesPerSecond(RATE).build());
  }

  /** Polls like the node: every STEP, revoking every lease handed out, until none is left. */
  private static List<Batch> drain(Lessor lessor, long fromNs, int maxPerPoll) {
    List<Batch> batches = new ArrayList<>();
    long now = fromNs;
    long deadline = fromNs + 10_000 * S;
    while (lessor.size() > 0 && now < deadline) {
      long[] ids = lessor.expired(now, maxPerPoll);
      assertTrue(ids.length <= maxPerPoll);
      for (long id : ids) {
        lessor.revoke(id);
      }
      if (ids.length > 0) {
        batches.add(new Batch(now, ids));
      }
      now += STEP;
    }
    return batches;
  }

  private static void assertRateLimited(List<Batch> batches, String context) {
    // For every batch, the revokes handed out in the second ending with it are <= RATE.
    for (int i = 0; i < batches.size(); i++) {
      long windowStart = batches.get(i).nowNs() - S;
      int inWindow = 0;
      for (int j = i; j >= 0 && batches.get(j).nowNs() > windowStart; j--) {
        inWindow += batches.get(j).ids().length;
      }
      assertTrue(inWindow <= RATE, inWindow + " revokes in one second; " + context);
    }
  }

  @Test
  void simultaneousExpiriesAreRevokedInRateLimitedBatchesInIdOrder() {
    Lessor lessor = lessor();
    lessor.promote(0);
    for (long id = 1; id <= LEASES; id++) {
      lessor.grant(id, 60, 0);
      lessor.attach(ByteSequence.from("key-" + id), id);
    }
    assertEquals(0, lessor.expired(60 * S - 1, Integer.MAX_VALUE).length);
    List<Batch> batches = drain(lessor, 60 * S, 10_000);
    LongArrayList all = new LongArrayList();
    for (Batch batch : batches) {
      all.addAll(toList(batch.ids()));
    }
    assertEquals(LEASES, all.size(), "none lost");
    for (int i = 0; i < LEASES; i++) {
      assertEquals(i + 1, all.getLong(i), "equal deadlines come out by id, once each");
    }
    assertRateLimited(batches, "simultaneous");
    long spanNs = batches.get(batches.size() - 1).nowNs() - batches.get(0).nowNs();
    assertTrue(spanNs >= (LEASES / RATE - 1) * S, "spread over about 100 s, took " + spanNs);
    assertEquals(0, lessor.size());
  }

  @Test
  void randomDeadlinesComeOutInDeadlineOrder() {
    SplittableRandom random = new SplittableRandom(SEED);
    Lessor lessor = lessor();
    lessor.promote(0);
    long[] deadlineOf = new long[LEASES + 1];
    for (int id = 1; id <= LEASES; id++) {
      long grantAt = random.nextLong(0, 5 * S);
      long ttl = 2 + random.nextInt(5);
      lessor.grant(id, ttl, grantAt);
      deadlineOf[id] = grantAt + ttl * S;
    }
    List<Batch> batches = drain(lessor, 0, 5_000);
    LongHashSet seen = new LongHashSet();
    long previousDeadline = Long.MIN_VALUE;
    long previousId = 0;
    String context = "seed " + SEED + "; replay: " + REPLAY + SEED;
    for (Batch batch : batches) {
      for (long id : batch.ids()) {
        assertTrue(seen.add(id), "lease " + id + " handed out twice; " + context);
        assertTrue(deadlineOf[(int) id] <= batch.nowNs(), "handed out before its deadline");
        boolean ordered =
            deadlineOf[(int) id] > previousDeadline
                || (deadlineOf[(int) id] == previousDeadline && id > previousId);
        assertTrue(ordered, "lease " + id + " out of deadline order; " + context);
        previousDeadline = deadlineOf[(int) id];
        previousId = id;
      }
    }
    assertEquals(LEASES, seen.size(), "none lost; " + context);
    assertRateLimited(batches, context);
  }

  @Test
  void aNewLeaderWithAPileOfLeasesSpreadsThemAndNeverExpiresOneEarly() {
    Lessor follower = lessor();
    for (long id = 1; id <= LEASES; id++) {
      follower.grant(id, 10, 0);
    }
    long promoteAt = 1_000 * S;
    follower.promote(promoteAt);
    assertEquals(10, follower.timeToLive(1, promoteAt, false).remainingSeconds());
    long lastRemaining = follower.timeToLive(LEASES, promoteAt, false).remainingSeconds();
    assertTrue(
        lastRemaining >= 10 + LEASES / (3 * RATE / 4) - 2,
        "the pile-up is spread at 3/4 of the revoke rate: " + lastRemaining);
    List<Batch> batches = drain(follower, promoteAt, 10_000);
    LongHashSet seen = new LongHashSet();
    for (Batch batch : batches) {
      assertTrue(batch.nowNs() >= promoteAt + 10 * S, "expired before TTL from promote");
      for (long id : batch.ids()) {
        assertTrue(seen.add(id), "twice: " + id);
      }
    }
    assertEquals(LEASES, seen.size());
    assertRateLimited(batches, "after promote");
  }

  private static List<Long> toList(long[] ids) {
    List<Long> out = new ArrayList<>(ids.length);
    for (long id : ids) {
      out.add(id);
    }
    return out;
  }
}
