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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 leases expiring at the same instant are revoked at the leader's rate (1000 per second of
 * the controlled clock), and ordinary writes keep completing while the revokes go through.
 */
class LeaseMassExpiryTest {
  private static final int LEASES = 100_000;
  private static final int WINDOW = 4_000;
  private static final long TTL_SECONDS = 10;
  private static final GetOption PREFIX = GetOption.builder().isPrefix(true).build();

  @TempDir Path dir;
  TestCluster cluster;
  final SteppedClock clock =
      new SteppedClock(TimeUnit.MILLISECONDS.toNanos(5), Duration.ofSeconds(120));

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void hundredThousandSimultaneousExpiriesAreRevokedWhileWritesKeepCompleting() {
    cluster = new TestCluster(dir, 1, b -> b.clock(clock).snapshotCount(1_000_000));
    EtcdNode node = cluster.nodes.get(0);
    CompletableFuture<EtcdNode> started = node.start();
    clock.advanceUntil(started::isDone);
    clock.advanceUntil(() -> node.maintenance().status().join().leaderId() == node.memberId());

    // all granted at one instant of the controlled clock: they all expire together
    List<Long> ids = new ArrayList<>(LEASES);
    for (int start = 0; start < LEASES; start += WINDOW) {
      List<CompletableFuture<Long>> window = new ArrayList<>(WINDOW);
      for (int i = start; i < Math.min(LEASES, start + WINDOW); i++) {
        window.add(node.lease().grant(TTL_SECONDS).thenApply(r -> r.leaseId()));
      }
      window.forEach(f -> ids.add(f.join()));
    }
    for (int i = 0; i < LEASES; i += 1000) {
      node.kv()
          .put(
              ByteSequence.from("m/" + i),
              ByteSequence.from("v"),
              PutOption.builder().withLeaseId(ids.get(i)).build())
          .join();
    }
    assertEquals(LEASES, node.lease().leases().join().leaseIds().size());

    // past the TTL: the revokes start; keep writing and watch the lease count fall
    clock.advance(TimeUnit.SECONDS.toNanos(TTL_SECONDS) + 1);
    int putsDuringRevocation = 0;
    int remaining = LEASES;
    int step = 0;
    long firstRevokeSeenAtNs = 0;
    while (remaining > 0) {
      clock.advance(TimeUnit.MILLISECONDS.toNanos(100));
      node.kv().put(ByteSequence.from("w"), ByteSequence.from("" + step)).join();
      remaining = node.lease().leases().join().leaseIds().size();
      if (remaining < LEASES && remaining > 0) {
        putsDuringRevocation++;
        if (firstRevokeSeenAtNs == 0) {
          firstRevokeSeenAtNs = clock.nanoTime();
        }
      }
      step++;
      assertTrue(step < 10_000, "revocation made no progress: " + remaining + " leases left");
    }
    long revocationNs = clock.nanoTime() - firstRevokeSeenAtNs;
    System.out.printf(
        "mass expiry: %d leases revoked over %d ms of controlled time, %d puts completed meanwhile%n",
        LEASES, TimeUnit.NANOSECONDS.toMillis(revocationNs), putsDuringRevocation);
    // at 1000 revokes per second the revocation spans about 100 s of controlled time: writes
    // interleave with it rather than waiting for it
    assertTrue(revocationNs >= TimeUnit.SECONDS.toNanos(90), "rate limit: " + revocationNs + " ns");
    assertTrue(putsDuringRevocation >= 500, "puts during revocation: " + putsDuringRevocation);
    assertEquals(0, node.kv().get(ByteSequence.from("m/"), PREFIX).join().count());
  }
}
