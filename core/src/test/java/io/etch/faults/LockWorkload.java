package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.recipes.Lock;
import io.etch.recipes.LockOwnership;
import io.etch.recipes.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Lock contenders during a fault run: each takes the lock {@code k/lock/resource} through a random
 * member (a {@link Session} with a 2 s TTL), "uses" the guarded resource, and unlocks.
 *
 * <p>The check: among holds that lasted until their own unlock (the unlock's compare on the lock
 * key's create revision succeeded, so the key existed the whole time), fencing tokens grow in the
 * order the holds began and the critical sections never overlap. A hold that lost its key under a
 * fault (its session expired during a partition, its member crashed) is not clean; the guarded
 * resource would refuse it by its lower token, which the first check makes sure of.
 */
final class LockWorkload {
  static final String PREFIX = "k/lock/";
  private static final String LOCK = PREFIX + "resource";
  private static final int CONTENDERS = 3;

  /** One hold: its token, its critical section, whether it ended by its own unlock. */
  record Hold(long token, long enterNs, long exitNs, boolean clean) {}

  private final FaultCluster cluster;
  private final long seed;
  private final List<Hold> holds = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stop;

  LockWorkload(FaultCluster cluster, long seed) {
    this.cluster = cluster;
    this.seed = seed;
  }

  void start() {
    for (int c = 0; c < CONTENDERS; c++) {
      SplittableRandom random = new SplittableRandom(seed + c);
      Thread t = new Thread(() -> contend(random), "fault-lock-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  void stop() {
    stop = true;
    for (Thread t : threads) {
      try {
        t.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void contend(SplittableRandom random) {
    while (!stop) {
      List<String> names = cluster.names();
      EtcdNode n = cluster.node(names.get(random.nextInt(names.size())));
      if (n == null) {
        pause(100);
        continue;
      }
      try (Session session = Session.builder(n).ttlSeconds(2).open().get(3, TimeUnit.SECONDS)) {
        for (int i = 0; i < 5 && !stop && !session.isLost(); i++) {
          LockOwnership o = Lock.on(session).lock(LOCK).get(10, TimeUnit.SECONDS);
          long enter = System.nanoTime();
          pause(random.nextInt(20));
          long exit = System.nanoTime();
          boolean clean = o.unlock().get(3, TimeUnit.SECONDS);
          holds.add(new Hold(o.fencingToken(), enter, exit, clean));
        }
      } catch (Exception e) {
        // a timeout, a member down, a session lost under a fault: try again elsewhere
      }
    }
  }

  private static void pause(long ms) {
    if (ms > 0) {
      await().pollDelay(Duration.ofMillis(ms)).atMost(Duration.ofSeconds(60)).until(() -> true);
    }
  }

  int holds() {
    return holds.size();
  }

  int cleanHolds() {
    return (int) holds.stream().filter(Hold::clean).count();
  }

  /** Clean holds that overlapped, or whose tokens did not grow in the order they began. */
  List<String> violations() {
    List<Hold> clean = new ArrayList<>();
    synchronized (holds) {
      for (Hold h : holds) {
        if (h.clean()) {
          clean.add(h);
        }
      }
    }
    clean.sort((a, b) -> Long.compare(a.enterNs(), b.enterNs()));
    List<String> out = new ArrayList<>();
    for (int i = 1; i < clean.size(); i++) {
      Hold prev = clean.get(i - 1);
      Hold next = clean.get(i);
      if (next.token() <= prev.token()) {
        out.add("lock: token " + next.token() + " began after token " + prev.token());
      }
      if (next.enterNs() <= prev.exitNs()) {
        out.add(
            "lock: holders with tokens "
                + prev.token()
                + " and "
                + next.token()
                + " overlapped by "
                + TimeUnit.NANOSECONDS.toMicros(prev.exitNs() - next.enterNs())
                + " µs");
      }
    }
    return out;
  }
}
