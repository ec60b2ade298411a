package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.LeaseExistsException;
import io.etch.LeaseNotFoundException;
import io.etch.LeaseTtlTooLargeException;
import io.etch.internal.request.RequestIdGenerator;
import io.etch.lease.Lease;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replicated part: grant, revoke, attach, detach, and every typed error. */
class LessorTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 123_456_789L;

  private final Lessor lessor = new Lessor(LessorConfig.builder().minTtlSeconds(2).build());

  private static ByteSequence key(String s) {
    return ByteSequence.from(s);
  }

  @Test
  void revokeReturnsEveryAttachedKeyInKeyOrder() {
    lessor.grant(1, 10, T0);
    lessor.attach(key("c"), 1);
    lessor.attach(key("a"), 1);
    lessor.attach(key("b"), 1);
    assertEquals(List.of(key("a"), key("b"), key("c")), lessor.lease(1).orElseThrow().keys());
    assertEquals(List.of(key("a"), key("b"), key("c")), lessor.revoke(1));
    assertEquals(0, lessor.leaseOf(key("a")));
    assertTrue(lessor.lease(1).isEmpty());
    assertEquals(0, lessor.size());
  }

  @Test
  void revokeOfAnUnknownLeaseIsTyped() {
    LeaseNotFoundException e = assertThrows(LeaseNotFoundException.class, () -> lessor.revoke(5));
    assertEquals(5, e.leaseId());
    lessor.grant(5, 10, T0);
    lessor.revoke(5);
    assertThrows(LeaseNotFoundException.class, () -> lessor.revoke(5));
  }

  @Test
  void overwritingAKeyWithAnotherLeaseMovesIt() {
    lessor.grant(1, 10, T0);
    lessor.grant(2, 10, T0);
    lessor.attach(key("k"), 1);
    lessor.attach(key("k"), 2);
    assertEquals(2, lessor.leaseOf(key("k")));
    assertEquals(List.of(), lessor.lease(1).orElseThrow().keys());
    assertEquals(List.of(), lessor.revoke(1));
    assertEquals(List.of(key("k")), lessor.revoke(2));
  }

  @Test
  void aPutWithoutLeaseOrADeleteDetaches() {
    lessor.grant(1, 10, T0);
    lessor.attach(key("x"), 1);
    lessor.attach(key("y"), 1);
    lessor.attach(key("x"), 0);
    lessor.detach(key("y"));
    lessor.detach(key("never-attached"));
    assertEquals(0, lessor.leaseOf(key("x")));
    assertEquals(List.of(), lessor.revoke(1));
  }

  @Test
  void attachToAnUnknownLeaseChangesNothing() {
    lessor.grant(1, 10, T0);
    lessor.attach(key("k"), 1);
    LeaseNotFoundException e =
        assertThrows(LeaseNotFoundException.class, () -> lessor.attach(key("k"), 9));
    assertEquals(9, e.leaseId());
    assertEquals(1, lessor.leaseOf(key("k")), "the key keeps its lease");
    assertThrows(LeaseNotFoundException.class, () -> lessor.checkAttachable(9));
    lessor.checkAttachable(1);
    lessor.checkAttachable(0);
  }

  @Test
  void grantErrorsAreTyped() {
    lessor.grant(7, 10, T0);
    LeaseExistsException exists =
        assertThrows(LeaseExistsException.class, () -> lessor.grant(7, 20, T0));
    assertEquals(7, exists.leaseId());
    assertEquals(10, lessor.lease(7).orElseThrow().ttlSeconds(), "the first grant stands");

    LeaseTtlTooLargeException tooLarge =
        assertThrows(
            LeaseTtlTooLargeException.class, () -> lessor.grant(8, Lease.MAX_TTL_SECONDS + 1, T0));
    assertEquals(Lease.MAX_TTL_SECONDS + 1, tooLarge.ttlSeconds());
    assertEquals(Lease.MAX_TTL_SECONDS, tooLarge.maxTtlSeconds());
    assertTrue(lessor.lease(8).isEmpty());
    assertEquals(Lease.MAX_TTL_SECONDS, lessor.grant(8, Lease.MAX_TTL_SECONDS, T0));

    InvalidArgumentException zero =
        assertThrows(InvalidArgumentException.class, () -> lessor.grant(0, 10, T0));
    assertEquals("leaseId", zero.argument());
    assertThrows(InvalidArgumentException.class, () -> lessor.grant(-3, 10, T0));
  }

  @Test
  void ttlsBelowTheMinimumAreRaised() {
    assertEquals(2, lessor.grant(1, 1, T0));
    assertEquals(2, lessor.grant(2, 0, T0));
    assertEquals(2, lessor.grant(3, -5, T0));
    assertEquals(3, lessor.grant(4, 3, T0));
    assertEquals(2, lessor.lease(1).orElseThrow().ttlSeconds());
  }

  @Test
  void leasesListsIdsAscending() {
    lessor.grant(30, 10, T0);
    lessor.grant(10, 10, T0);
    lessor.grant(20, 10, T0);
    assertArrayEquals(new long[] {10, 20, 30}, lessor.leases());
  }

  @Test
  void theLeaderPicksAnUnusedPositiveId() {
    RequestIdGenerator ids = new RequestIdGenerator(5, 1000);
    RequestIdGenerator sameSequence = new RequestIdGenerator(5, 1000);
    lessor.grant(sameSequence.nextLeaseId(), 10, T0);
    long picked = lessor.pickLeaseId(ids);
    assertTrue(picked > 0);
    assertTrue(lessor.lease(picked).isEmpty(), "skips the id already granted");
  }

  @Test
  void leaderOnlyCallsOnAFollowerAreTyped() {
    lessor.grant(1, 10, T0);
    assertFalse(lessor.isPrimary());
    NotPrimaryException e = assertThrows(NotPrimaryException.class, () -> lessor.renew(1, T0 + S));
    assertEquals(1, e.leaseId());
    assertThrows(NotPrimaryException.class, () -> lessor.timeToLive(1, T0, false));
    assertEquals(0, lessor.expired(T0 + 1_000 * S, 10).length, "followers never expire leases");
    assertEquals(0, lessor.checkpointsDue(T0 + 1_000 * S, 10).size());
  }
}
