package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.options.GetOption;
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
 * With {@code leaseCheckpointing(true)} the leader checkpoints the remaining TTL of long leases
 * through Raft (every 5 minutes of the controlled clock), so the next leader restarts a lease from
 * what was left rather than from its full TTL; without it, from the full TTL (etcd's behaviour).
 */
class LeaseCheckpointNodeTest {
  private static final long TTL_SECONDS = 900;

  @TempDir Path dir;
  TestCluster cluster;
  final SteppedClock clock =
      new SteppedClock(TimeUnit.MILLISECONDS.toNanos(5), Duration.ofSeconds(60));

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private long remainingAfterLeaderChange(boolean checkpointing) {
    // a long election timeout (100 ticks): the clock's one-second jumps never cause an election
    cluster =
        new TestCluster(
            dir,
            3,
            b ->
                b.clock(clock)
                    .electionTimeout(Duration.ofSeconds(5))
                    .leaseCheckpointing(checkpointing));
    List<EtcdNode> running = new ArrayList<>(cluster.nodes);
    List<CompletableFuture<EtcdNode>> starts = new ArrayList<>();
    running.forEach(n -> starts.add(n.start()));
    clock.advanceUntil(() -> starts.stream().allMatch(CompletableFuture::isDone));
    EtcdNode leader = clock.agreedLeader(running);
    long id = clock.run(leader.lease().grant(TTL_SECONDS)).leaseId();
    // six minutes in one-second steps, each followed by a linearizable read: a heartbeat round
    // trip, so the jumps never look like a silent leader (no election) — one checkpoint at 5 min
    for (int second = 0; second < 360; second++) {
      clock.advance(TimeUnit.SECONDS.toNanos(1));
      clock.run(leader.kv().get(ByteSequence.from("tick")));
    }
    // let the leader's lessor propose the checkpoint and a later write commit behind it: a
    // checkpoint still in flight when leadership moves is dropped (the next one comes 5 min later)
    long settle = clock.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    clock.advanceUntil(() -> clock.nanoTime() >= settle);
    EtcdNode old = clock.agreedLeader(running);
    for (EtcdNode n : running) {
      clock.run(old.kv().put(ByteSequence.from("after"), ByteSequence.from("x")));
      clock.advanceUntil(
          () ->
              n.kv()
                      .get(
                          ByteSequence.from("after"),
                          GetOption.builder().withSerializable(true).build())
                      .join()
                      .count()
                  == 1);
    }
    old.close();
    running.remove(old);
    EtcdNode next = clock.agreedLeader(running);
    return clock.run(next.lease().timeToLive(id, false)).ttlSeconds();
  }

  @Test
  void aNewLeaderRestartsACheckpointedLeaseFromWhatWasLeft() {
    long remaining = remainingAfterLeaderChange(true);
    // checkpointed at about 600 s left; without the checkpoint it would be about 900 s
    assertTrue(remaining > 500 && remaining < 700, "remaining after failover: " + remaining);
  }

  @Test
  void withoutCheckpointsANewLeaderRestartsTheFullTtl() {
    long remaining = remainingAfterLeaderChange(false);
    assertTrue(remaining >= TTL_SECONDS - 5, "remaining after failover: " + remaining);
  }
}
