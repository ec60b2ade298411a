package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.LeaseNotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leader's expiry on simulated time: expiry revokes all keys, pauses and leader changes never
 * expire a lease before its TTL from the promote, keep-alive extends, time to live.
 */
class LessorExpiryTest {
  private static final long S = 1_000_000_000L;
  private static final long NONE = 0;

  private static LessorConfig config() {
    return LessorConfig.builder().minTtlSeconds(2).build();
  }

  /** Two members applying the same entries. */
  private final Lessor a = new Lessor(config());

  private final Lessor b = new Lessor(config());

  private void grantOnBoth(long id, long ttl, long nowNs) {
    a.grant(id, ttl, nowNs);
    b.grant(id, ttl, nowNs);
  }

  private static long[] ids(long... ids) {
    return ids;
  }

  @Test
  void anExpiredLeaseIsHandedOutAndItsRevokeReturnsAllKeys() {
    long t0 = -5 * S; // nanoTime may be negative
    a.promote(t0);
    a.grant(1, 10, t0);
    for (String k : new String[] {"k3", "k1", "k2"}) {
      a.attach(ByteSequence.from(k), 1);
    }
    assertArrayEquals(ids(), a.expired(t0 + 10 * S - 1, 100));
    assertArrayEquals(ids(1), a.expired(t0 + 10 * S, 100));
    assertEquals(
        List.of(ByteSequence.from("k1"), ByteSequence.from("k2"), ByteSequence.from("k3")),
        a.revoke(1));
    assertArrayEquals(ids(), a.expired(t0 + 100 * S, 100), "gone once revoked");
  }

  @Test
  void anUnrevokedExpiredLeaseIsHandedOutAgainAfterTheRetryInterval() {
    a.promote(0);
    a.grant(1, 10, 0);
    assertArrayEquals(ids(1), a.expired(10 * S, 100));
    assertArrayEquals(ids(), a.expired(10 * S, 100), "not twice while its revoke is in flight");
    assertArrayEquals(ids(), a.expired(13 * S - 1, 100));
    assertArrayEquals(ids(1), a.expired(13 * S, 100), "the revoke was lost: offer again");
  }

  @Test
  void aPauseOnAFollowerNeverExpiresALease() {
    grantOnBoth(1, 10, 0);
    // b is a follower through an hour-long pause, then becomes leader.
    assertArrayEquals(ids(), b.expired(3_600 * S, 100));
    b.promote(3_600 * S);
    assertArrayEquals(ids(), b.expired(3_610 * S - 1, 100));
    assertArrayEquals(ids(1), b.expired(3_610 * S, 100));
  }

  @Test
  void aLeaderChangeNeverExpiresALeaseBeforeItsTtlFromThePromote() {
    a.promote(0);
    grantOnBoth(1, 10, 0);
    // a keeps the lease alive until 9 s, then loses leadership; b wins at 9.5 s.
    a.renew(1, 9 * S);
    a.demote();
    assertArrayEquals(ids(), a.expired(100 * S, 100), "a demoted lessor never expires");
    b.promote(9 * S + S / 2);
    assertArrayEquals(ids(), b.expired(19 * S + S / 2 - 1, 100));
    assertArrayEquals(ids(1), b.expired(19 * S + S / 2, 100));
    // and back to a, promoted later still
    b.demote();
    a.promote(30 * S);
    assertArrayEquals(ids(), a.expired(40 * S - 1, 100));
    assertArrayEquals(ids(1), a.expired(40 * S, 100));
  }

  @Test
  void thePromoteExtensionIsAdded() {
    Lessor extended =
        new Lessor(LessorConfig.builder().minTtlSeconds(2).promoteExtensionNs(S).build());
    extended.grant(1, 10, 0);
    extended.promote(0);
    assertArrayEquals(ids(), extended.expired(11 * S - 1, 100));
    assertArrayEquals(ids(1), extended.expired(11 * S, 100));
  }

  @Test
  void keepAliveExtendsTheLease() {
    a.promote(0);
    a.grant(1, 10, 0);
    LeaseRenewal renewal = a.renew(1, 8 * S);
    assertEquals(new LeaseRenewal(1, 10, false), renewal);
    assertArrayEquals(ids(), a.expired(18 * S - 1, 100));
    a.renew(1, 17 * S);
    assertArrayEquals(ids(), a.expired(27 * S - 1, 100));
    assertArrayEquals(ids(1), a.expired(27 * S, 100));
  }

  @Test
  void keepAliveOfAnUnknownOrExpiredLeaseIsLeaseNotFound() {
    a.promote(0);
    assertEquals(9, assertThrows(LeaseNotFoundException.class, () -> a.renew(9, 0)).leaseId());
    a.grant(1, 10, 0);
    assertThrows(LeaseNotFoundException.class, () -> a.renew(1, 10 * S));
    a.revoke(1);
    assertThrows(LeaseNotFoundException.class, () -> a.renew(1, 10 * S));
  }

  @Test
  void aGrantOnAFollowerExpiresOnlyFromThePromote() {
    b.grant(1, 10, 0);
    b.promote(50 * S);
    assertArrayEquals(ids(), b.expired(60 * S - 1, 100));
    assertArrayEquals(ids(1), b.expired(60 * S, 100));
  }

  @Test
  void timeToLiveOnTheLeader() {
    a.promote(0);
    a.grant(1, 10, 0);
    a.attach(ByteSequence.from("b"), 1);
    a.attach(ByteSequence.from("a"), 1);
    LeaseTimeToLive ttl = a.timeToLive(1, 3 * S + 1, true);
    assertEquals(6, ttl.remainingSeconds(), "6.999... s truncates to 6, as etcd");
    assertEquals(10, ttl.grantedTtlSeconds());
    assertEquals(List.of(ByteSequence.from("a"), ByteSequence.from("b")), ttl.keys());
    assertTrue(ttl.exists());
    assertEquals(List.of(), a.timeToLive(1, 3 * S, false).keys());
    assertEquals(0, a.timeToLive(1, 11 * S, false).remainingSeconds(), "expired, revoke pending");
    LeaseTimeToLive unknown = a.timeToLive(2, 0, true);
    assertFalse(unknown.exists());
    assertEquals(-1, unknown.remainingSeconds());
    assertEquals(0, unknown.grantedTtlSeconds());
  }

  @Test
  void expiredOrdersByDeadlineThenIdAndHonoursMaxCount() {
    a.promote(0);
    a.grant(5, 4, 0);
    a.grant(3, 2, 0);
    a.grant(4, 4, 0);
    a.grant(1, 3, 0);
    assertArrayEquals(ids(3, 1), a.expired(10 * S, 2));
    assertArrayEquals(ids(4, 5), a.expired(10 * S, 10));
    assertThrows(IllegalArgumentException.class, () -> a.expired(0, -1));
    assertEquals(NONE, a.expired(10 * S, 0).length);
  }

  @Test
  void hugeTtlsSaturateInsteadOfOverflowing() {
    long max = io.etch.lease.Lease.MAX_TTL_SECONDS;
    a.promote(S);
    a.grant(1, max, S);
    assertEquals(max, a.timeToLive(1, S, false).remainingSeconds());
    a.demote();
    a.promote(1_000_000_000L * S); // now + 9e18 ns overflows a long: saturates to "never"
    assertArrayEquals(ids(), a.expired(Long.MAX_VALUE - 1, 10));
  }
}
