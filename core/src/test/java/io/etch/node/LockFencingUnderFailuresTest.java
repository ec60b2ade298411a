package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.EtcdNode;
import io.etch.recipes.Lock;
import io.etch.recipes.LockOwnership;
import io.etch.recipes.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many contenders take one lock through every member while members are closed and restarted (their
 * contenders' sessions die with them). A fenced resource — it remembers the highest token it has
 * accepted and refuses lower ones, as a real guarded resource should — records every use.
 *
 * <p>Checks: among holders that kept the lock without interruption until their unlock (the unlock's
 * compare on the key's create revision succeeded), fencing tokens grow in acquisition order and
 * critical sections never overlap; the resource never accepts a token below one it accepted; and
 * the lock keeps being handed on through the failures.
 *
 * <p>Seeded: {@code -Detch.recipes.seed=<seed>} replays the same kill schedule.
 */
class LockFencingUnderFailuresTest {
  private static final long TTL_SECONDS = 2;
  private static final int CONTENDERS = 6;

  @TempDir Path dir;

  /** The guarded resource: refuses tokens below the highest it has accepted. */
  static final class FencedResource {
    private long highest;
    private int accepted;
    private int refused;

    synchronized boolean write(long token) {
      if (token < highest) {
        refused++;
        return false;
      }
      highest = token;
      accepted++;
      return true;
    }
  }

  /** One hold of the lock: token, critical-section interval, whether it ended cleanly. */
  record Hold(long token, long enterNs, long exitNs, boolean clean) {}

  @Test
  void mutualExclusionWithFencingWhileMembersComeAndGo() throws Exception {
    long seed = Long.getLong("etch.recipes.seed", System.nanoTime());
    System.out.println(
        "LockFencingUnderFailuresTest seed="
            + seed
            + " (replay: ./mvnw -B -pl core -am verify -Dtest=LockFencingUnderFailuresTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Detch.recipes.seed="
            + seed
            + ")");
    Random random = new Random(seed);
    FencedResource resource = new FencedResource();
    List<Hold> holds = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Set<EtcdNode> closed = ConcurrentHashMap.newKeySet();

    try (TestCluster cluster = new TestCluster(dir, 3).start()) {
      cluster.awaitLeader(cluster.nodes);
      AtomicReferenceArray<EtcdNode> members = new AtomicReferenceArray<>(3);
      for (int i = 0; i < 3; i++) {
        members.set(i, cluster.nodes.get(i));
      }
      ExecutorService contenders = Executors.newFixedThreadPool(CONTENDERS);
      for (int c = 0; c < CONTENDERS; c++) {
        int slot = c % 3;
        contenders.submit(() -> contend(slot, members, closed, stop, resource, holds));
      }
      for (int round = 0; round < 5; round++) {
        int victim = random.nextInt(3);
        int before = holds.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> holds.size() >= before + 5);
        EtcdNode gone = members.get(victim);
        closed.add(gone);
        gone.close();
        int during = holds.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> holds.size() >= during + 5);
        EtcdNode back = cluster.restart("m" + (victim + 1));
        back.start().join();
        members.set(victim, back);
      }
      stop.set(true);
      contenders.shutdown();
      assertTrue(contenders.awaitTermination(120, TimeUnit.SECONDS), "contenders did not stop");
    }

    List<Hold> clean = new ArrayList<>();
    for (Hold h : holds) {
      if (h.clean()) {
        clean.add(h);
      }
    }
    clean.sort((a, b) -> Long.compare(a.enterNs(), b.enterNs()));
    for (int i = 1; i < clean.size(); i++) {
      Hold prev = clean.get(i - 1);
      Hold next = clean.get(i);
      assertTrue(
          next.token() > prev.token(),
          "token " + next.token() + " entered after " + prev.token() + " (seed " + seed + ")");
      assertTrue(
          next.enterNs() > prev.exitNs(),
          "holders with tokens "
              + prev.token()
              + " and "
              + next.token()
              + " overlapped (seed "
              + seed
              + ")");
    }
    assertTrue(clean.size() >= 40, "only " + clean.size() + " clean holds (seed " + seed + ")");
    System.out.println(
        "lock fencing: "
            + holds.size()
            + " holds ("
            + clean.size()
            + " clean), "
            + resource.accepted
            + " guarded writes accepted, "
            + resource.refused
            + " stale writes refused (seed "
            + seed
            + ")");
  }

  private static void contend(
      int slot,
      AtomicReferenceArray<EtcdNode> members,
      Set<EtcdNode> closed,
      AtomicBoolean stop,
      FencedResource resource,
      List<Hold> holds) {
    while (!stop.get()) {
      EtcdNode member = members.get(slot);
      try (Session session = Session.builder(member).ttlSeconds(TTL_SECONDS).open().join()) {
        Lock lock = Lock.on(session);
        while (!stop.get() && !session.isLost()) {
          LockOwnership o = lock.lock("resource").get(30, TimeUnit.SECONDS);
          long enter = System.nanoTime();
          for (int w = 0; w < 3 && o.isHeld(); w++) {
            resource.write(o.fencingToken());
          }
          long exit = System.nanoTime();
          boolean clean = o.unlock().get(30, TimeUnit.SECONDS);
          holds.add(new Hold(o.fencingToken(), enter, exit, clean));
        }
      } catch (Exception e) {
        // the member closed under us, or the session died: start over on the member in the slot
      }
      if (closed.contains(member)) {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> stop.get() || members.get(slot) != member);
      }
    }
  }
}
