package io.etch.internal.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etch.LeaseNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three members' lessors on a simulated clock, with random leader changes, pauses, grants,
 * keep-alives and abandoned leases. Replication is instantaneous (every applied entry reaches all
 * three at once), so the properties checked are the lessor's own:
 *
 * <ul>
 *   <li>a lease kept alive every TTL/3 is never revoked, whatever the leader changes;
 *   <li>no lease is revoked before its TTL has passed since its grant or last successful renewal;
 *   <li>an abandoned lease is revoked eventually; the three replicated states stay identical.
 * </ul>
 */
class LessorSimulationTest {
  private static final long S = 1_000_000_000L;
  private static final String REPLAY =
      "./mvnw -B -ntp -pl core -am test -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=LessorSimulationTest -Detch.seed=";

  /** What the client side knows of a lease. */
  private static final class Client {
    final long ttlSeconds;
    final boolean keptAlive;
    long lastRenewNs;

    Client(long ttlSeconds, boolean keptAlive, long nowNs) {
      this.ttlSeconds = ttlSeconds;
      this.keptAlive = keptAlive;
      this.lastRenewNs = nowNs;
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void keptAliveLeasesSurviveLeaderChangesAndNoLeaseExpiresEarly(long defaultSeed)
      throws IOException {
    long seed = Long.getLong("etch.seed", defaultSeed);
    String context = "seed " + seed + "; replay: " + REPLAY + seed;
    SplittableRandom random = new SplittableRandom(seed);
    Lessor[] members = new Lessor[3];
    for (int i = 0; i < 3; i++) {
      members[i] = new Lessor(LessorConfig.builder().minTtlSeconds(2).build());
    }
    int leader = 0;
    long now = 0;
    members[leader].promote(now);
    Map<Long, Client> clients = new HashMap<>();
    long nextId = 1;
    int revokedAbandoned = 0;
    int steps = 4_000;
    int calmSteps = 100; // at the end: a stable leader, 200 ms steps, so abandoned leases go
    for (int step = 0; step < steps + calmSteps; step++) {
      boolean calm = step >= steps;
      now += calm ? S / 5 : random.nextLong(1, S / 2);
      switch (calm ? -1 : random.nextInt(20)) {
        case 0 -> {
          // leader change: the old leader may be paused for a while before anyone notices
          members[leader].demote();
          now += random.nextLong(0, 3 * S);
          leader = random.nextInt(3);
          members[leader].promote(now);
        }
        case 1, 2 -> {
          long ttl = 2 + random.nextInt(8);
          long id = nextId++;
          for (Lessor member : members) {
            member.grant(id, ttl, now);
          }
          clients.put(id, new Client(ttl, random.nextInt(3) != 0, now));
        }
        default -> {}
      }
      // clients keep alive every TTL/3 (on whichever member leads now)
      for (Map.Entry<Long, Client> e : clients.entrySet()) {
        Client c = e.getValue();
        if (c.keptAlive && now - c.lastRenewNs >= c.ttlSeconds * S / 3) {
          try {
            members[leader].renew(e.getKey(), now);
            c.lastRenewNs = now;
          } catch (LeaseNotFoundException notFound) {
            fail("kept-alive lease " + e.getKey() + " was lost at " + now + "; " + context);
          }
        }
      }
      // the leader revokes what expired; the revoke applies on every member
      for (long id : members[leader].expired(now, 100)) {
        Client c = clients.remove(id);
        assertTrue(!c.keptAlive, "kept-alive lease " + id + " expired; " + context);
        assertTrue(
            now >= c.lastRenewNs + c.ttlSeconds * S,
            "lease " + id + " revoked before its TTL; " + context);
        for (Lessor member : members) {
          member.revoke(id);
        }
        revokedAbandoned++;
      }
    }
    assertTrue(revokedAbandoned > 0, context);
    for (Client c : clients.values()) {
      assertTrue(c.keptAlive, "an abandoned lease survived; " + context);
    }
    byte[] first = snapshot(members[0]);
    for (int i = 1; i < 3; i++) {
      assertEquals(
          java.util.Arrays.toString(first),
          java.util.Arrays.toString(snapshot(members[i])),
          context);
    }
  }

  private static byte[] snapshot(Lessor lessor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lessor.writeSnapshot(new DataOutputStream(out));
    return out.toByteArray();
  }
}
