package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a controlled clock shared by three members (time moves only when the test moves it, and
 * stands still while the test looks): pauses (the clock jumping forward while nothing runs) and
 * leader changes never revoke a lease before its TTL has passed since the last keep-alive was sent,
 * and an abandoned lease does go. Seeded; a failure prints the seed and the replay command.
 */
class LeaseClockTest {
  private static final long SEED = Long.getLong("etch.seed", 20_261_121L);
  private static final long TTL_SECONDS = 5;
  private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

  @TempDir Path dir;
  TestCluster cluster;
  final SteppedClock clock = new SteppedClock(STEP_NS, Duration.ofSeconds(60));

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String replay() {
    return "seed "
        + SEED
        + "; replay: ./mvnw -B -ntp -pl core -am test -Dtest=LeaseClockTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Detch.seed="
        + SEED;
  }

  @Test
  void pausesAndLeaderChangesNeverRevokeALeaseBeforeItsTtl() {
    Random random = new Random(SEED);
    cluster = new TestCluster(dir, 3, b -> b.clock(clock));
    List<EtcdNode> running = new ArrayList<>(cluster.nodes);
    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>();
    running.forEach(n -> starts.add(n.start()));
    clock.advanceUntil(() -> starts.stream().allMatch(CompletableFuture::isDone));
    EtcdNode leader = clock.agreedLeader(running);

    long sentNs = clock.nanoTime();
    long id = clock.run(running.get(random.nextInt(3)).lease().grant(TTL_SECONDS)).leaseId();
    assertEquals(TTL_SECONDS, clock.run(leader.lease().timeToLive(id, false)).grantedTtlSeconds());
    ByteSequence key = ByteSequence.from("held");
    clock.run(
        leader.kv().put(key, ByteSequence.from("v"), PutOption.builder().withLeaseId(id).build()));
    long ttlNs = TimeUnit.SECONDS.toNanos(TTL_SECONDS);

    for (int round = 0; round < 6; round++) {
      // a keep-alive through a random member; its send time starts the TTL again
      EtcdNode via = running.get(random.nextInt(running.size()));
      long sent = clock.nanoTime();
      clock.run(via.lease().keepAliveOnce(id));
      sentNs = sent;
      // a pause: the whole cluster's time jumps while nothing runs (under half a TTL)
      clock.advance((long) (random.nextDouble() * ttlNs / 2));
      assertHeld(running, key, sentNs, ttlNs);
      if (round % 2 == 1) {
        // a leader change: the leader stops; a new one is elected and its lessor promoted
        String name = leader.config().memberName();
        leader.close();
        running.remove(leader);
        leader = clock.agreedLeader(running);
        assertHeld(running, key, sentNs, ttlNs);
        EtcdNode back = cluster.restart(name);
        CompletableFuture<EtcdNode> started = back.start();
        clock.advanceUntil(started::isDone);
        running.add(back);
        leader = clock.agreedLeader(running);
      }
      assertHeld(running, key, sentNs, ttlNs);
    }

    // abandoned: it must not go before its TTL, and it must go
    long lastSent = sentNs;
    EtcdNode observer = running.get(0);
    long[] goneAt = new long[1];
    clock.advanceUntil(
        () -> {
          if (observer.kv().get(key, SERIALIZABLE).join().count() == 0) {
            goneAt[0] = clock.nanoTime();
            return true;
          }
          return false;
        });
    assertTrue(
        goneAt[0] - lastSent >= ttlNs,
        "revoked "
            + TimeUnit.NANOSECONDS.toMillis(goneAt[0] - lastSent)
            + " ms after the last keep-alive, TTL "
            + TTL_SECONDS
            + " s; "
            + replay());
    clock.advanceUntil(() -> !observer.lease().leases().join().leaseIds().contains(id));
  }

  /** Every member still has the key, which it must while less than a TTL passed since sentNs. */
  private void assertHeld(List<EtcdNode> running, ByteSequence key, long sentNs, long ttlNs) {
    if (clock.nanoTime() - sentNs >= ttlNs) {
      return;
    }
    for (EtcdNode n : running) {
      // the clock stands still while we look: a revoke seen now happened at or before now
      assertEquals(
          1,
          n.kv().get(key, SERIALIZABLE).join().count(),
          "lease revoked "
              + TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - sentNs)
              + " ms after the last keep-alive on "
              + n.config().memberName()
              + "; "
              + replay());
    }
  }
}
