package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.internal.request.LeaseCheckpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checkpointing (etcd's feature gate): the next leader restarts a lease from its remaining TTL. */
class LessorCheckpointTest {
  private static final long S = 1_000_000_000L;
  private static final long MIN = 60 * S;
  private static final long INTERVAL = 5 * MIN;

  private static LessorConfig checkpointing() {
    return LessorConfig.builder()
        .minTtlSeconds(2)
        .checkpointing(true)
        .checkpointIntervalNs(INTERVAL)
        .build();
  }

  private final Lessor a = new Lessor(checkpointing());
  private final Lessor b = new Lessor(checkpointing());

  private void applyOnBoth(List<LeaseCheckpoint> checkpoints, long nowNs) {
    a.checkpoint(checkpoints, nowNs);
    b.checkpoint(checkpoints, nowNs);
  }

  @Test
  void aCheckpointRestoresTheRemainingTtlOnANewLeader() {
    a.promote(0);
    a.grant(1, 3600, 0);
    b.grant(1, 3600, 0);
    assertEquals(List.of(), a.checkpointsDue(INTERVAL - 1, 100));
    List<LeaseCheckpoint> due = a.checkpointsDue(INTERVAL, 100);
    assertEquals(List.of(new LeaseCheckpoint(1, 55 * MIN / 1_000_000)), due);
    applyOnBoth(due, INTERVAL);
    assertEquals(55 * MIN / 1_000_000, b.lease(1).orElseThrow().remainingTtlMs());
    a.demote();
    b.promote(6 * MIN);
    // restarts from 55 min, not from the full hour
    assertArrayEquals(new long[0], b.expired(61 * MIN - 1, 10));
    assertArrayEquals(new long[] {1}, b.expired(61 * MIN, 10));
  }

  @Test
  void withoutCheckpointingANewLeaderRestartsTheFullTtl() {
    Lessor plain = new Lessor(LessorConfig.builder().minTtlSeconds(2).build());
    plain.promote(0);
    plain.grant(1, 3600, 0);
    assertEquals(List.of(), plain.checkpointsDue(INTERVAL, 100));
    plain.demote();
    plain.promote(6 * MIN);
    assertArrayEquals(new long[0], plain.expired(66 * MIN - 1, 10));
    assertArrayEquals(new long[] {1}, plain.expired(66 * MIN, 10));
  }

  @Test
  void checkpointsRecurEveryInterval() {
    a.promote(0);
    a.grant(1, 3600, 0);
    a.checkpoint(a.checkpointsDue(INTERVAL, 100), INTERVAL);
    assertEquals(List.of(), a.checkpointsDue(2 * INTERVAL - 1, 100));
    assertEquals(
        List.of(new LeaseCheckpoint(1, 50 * MIN / 1_000_000)), a.checkpointsDue(2 * INTERVAL, 100));
  }

  @Test
  void aLostCheckpointProposalIsRetriedNextInterval() {
    a.promote(0);
    a.grant(1, 3600, 0);
    assertEquals(1, a.checkpointsDue(INTERVAL, 100).size());
    assertEquals(List.of(), a.checkpointsDue(INTERVAL + S, 100));
    assertEquals(1, a.checkpointsDue(2 * INTERVAL, 100).size());
  }

  @Test
  void leasesNoLongerThanTheIntervalAreNeverCheckpointed() {
    a.promote(0);
    a.grant(1, 300, 0);
    a.grant(2, 60, 0);
    assertEquals(List.of(), a.checkpointsDue(10 * INTERVAL, 100));
  }

  @Test
  void aRenewedLeaseIsNotCheckpointedAtItsFullTtl() {
    a.promote(0);
    a.grant(1, 3600, 0);
    a.renew(1, INTERVAL);
    assertEquals(List.of(), a.checkpointsDue(INTERVAL, 100), "remaining = TTL: nothing to save");
    assertEquals(
        List.of(new LeaseCheckpoint(1, 55 * MIN / 1_000_000)), a.checkpointsDue(2 * INTERVAL, 100));
  }

  @Test
  void aRenewalOfACheckpointedLeaseAsksToClearTheCheckpoint() {
    a.promote(0);
    a.grant(1, 3600, 0);
    b.grant(1, 3600, 0);
    applyOnBoth(a.checkpointsDue(INTERVAL, 100), INTERVAL);
    LeaseRenewal renewal = a.renew(1, INTERVAL + S);
    assertTrue(renewal.clearCheckpoint());
    // the node proposes (1, 0); applied everywhere, a new leader restarts the full TTL
    applyOnBoth(List.of(new LeaseCheckpoint(1, 0)), INTERVAL + S);
    assertFalse(a.renew(1, INTERVAL + 2 * S).clearCheckpoint(), "at most once per checkpoint");
    a.demote();
    b.promote(INTERVAL + 3 * S);
    assertArrayEquals(new long[0], b.expired(INTERVAL + 3 * S + 3600 * S - 1, 10));
    assertArrayEquals(new long[] {1}, b.expired(INTERVAL + 3 * S + 3600 * S, 10));
  }

  @Test
  void aCheckpointForARevokedLeaseIsIgnored() {
    a.promote(0);
    a.grant(1, 3600, 0);
    List<LeaseCheckpoint> due = a.checkpointsDue(INTERVAL, 100);
    a.revoke(1);
    a.checkpoint(due, INTERVAL);
    assertTrue(a.lease(1).isEmpty());
  }

  @Test
  void checkpointsAreRateLimited() {
    Lessor limited =
        new Lessor(
            LessorConfig.builder()
                .minTtlSeconds(2)
                .checkpointing(true)
                .checkpointIntervalNs(INTERVAL)
                .maxCheckpointsPerSecond(3)
                .build());
    limited.promote(0);
    for (long id = 1; id <= 10; id++) {
      limited.grant(id, 3600, 0);
    }
    assertEquals(3, limited.checkpointsDue(INTERVAL, 100).size());
    assertEquals(0, limited.checkpointsDue(INTERVAL + S - 1, 100).size());
    assertEquals(3, limited.checkpointsDue(INTERVAL + S, 100).size());
    assertEquals(2, limited.checkpointsDue(INTERVAL + 2 * S, 2).size());
  }
}
