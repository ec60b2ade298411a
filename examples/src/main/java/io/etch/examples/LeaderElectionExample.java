package io.etch.examples;

import io.etch.EtcdNode;
import io.etch.recipes.Election;
import io.etch.recipes.Leadership;
import io.etch.recipes.Session;
import io.etch.recipes.Subscription;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Leader election among the instances of a service, one instance per member.
 *
 * <p>Every instance campaigns in the election "scheduler" with its name as value; exactly one leads
 * at a time and the others wait in line. An observer on any member follows who leads. When the
 * leader's member goes away without resigning, its session's lease expires after the TTL and the
 * next candidate in line takes over.
 */
public final class LeaderElectionExample {
  private LeaderElectionExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = LocalCluster.tempDir("etch-election");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir, "a", "b", "c")) {
      List<String> seen = new CopyOnWriteArrayList<>();
      Subscription observer =
          Election.on(cluster.node(2))
              .observe(
                  "scheduler",
                  leader -> {
                    String who = leader.map(l -> l.value().toString()).orElse("(nobody)");
                    seen.add(who);
                    out.println("  observer: the scheduler leader is " + who);
                  });

      // Instances on members a and b campaign; the first to write its key leads.
      EtcdNode memberA = cluster.node(0);
      EtcdNode memberB = cluster.node(1);
      Session sessionA = Session.builder(memberA).ttlSeconds(2).open().join();
      Session sessionB = Session.builder(memberB).ttlSeconds(2).open().join();
      Leadership leaderA =
          Election.on(memberA).campaign(sessionA, "scheduler", "instance-a").join();
      out.println("  instance-a leads (fencing token " + leaderA.fencingToken() + ")");
      CompletableFuture<Leadership> waitingB =
          Election.on(memberB).campaign(sessionB, "scheduler", "instance-b");

      // The leader can publish a new value for observers while it leads.
      leaderA.proclaim("instance-a (v2)").join();
      LocalCluster.awaitTrue(() -> seen.contains("instance-a (v2)"), "the proclaimed value");

      // instance-a's member dies without resigning: after the TTL, instance-b takes over.
      long t0 = System.nanoTime();
      memberA.close();
      Leadership leaderB = waitingB.join();
      out.printf(
          "  instance-b took over %d ms after instance-a's member died (session TTL %d s)%n",
          (System.nanoTime() - t0) / 1_000_000, sessionB.ttlSeconds());
      LocalCluster.awaitTrue(() -> seen.contains("instance-b"), "the observer to see instance-b");

      // Resigning hands leadership over at once; with nobody left, the observer says so.
      leaderB.resign().join();
      LocalCluster.awaitTrue(
          () -> seen.get(seen.size() - 1).equals("(nobody)"), "the observer to see no leader");
      observer.close();
      sessionB.close();
      out.println("Leader election example done: leaders seen " + new ArrayList<>(seen));
    }
  }
}
