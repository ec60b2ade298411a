package io.etch.examples;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.kv.TxnResponse;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.recipes.Election;
import io.etch.recipes.Leadership;
import io.etch.recipes.Lock;
import io.etch.recipes.LockOwnership;
import io.etch.recipes.ServiceInstance;
import io.etch.recipes.ServiceRegistry;
import io.etch.recipes.Session;
import io.etch.recipes.Subscription;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The main demo that {@code scripts/demo.sh} runs: a 3-member Etch cluster inside one JVM, over
 * real Netty on loopback, with real write-ahead logs in a temporary directory.
 *
 * <p>It elects a leader, writes and reads keys through different members, shows a watch firing and
 * a compare-and-set transaction, hands a lock from one member to another, runs a leader election
 * and a service registry, then closes the leader and shows that a new leader takes over, that the
 * dead member's election candidate and service instance are replaced and removed once its session
 * expires, and that every acknowledged write is still there.
 */
public final class Demo {
  private static final Duration HEARTBEAT = Duration.ofMillis(50);
  private static final Duration ELECTION = Duration.ofMillis(500);
  private static final int KEYS = 200;
  private static final long SESSION_TTL_SECONDS = 2;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("etch-demo");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    long startNs = System.nanoTime();
    Map<String, PeerAddress> members = new LinkedHashMap<>();
    for (String name : List.of("alpha", "beta", "gamma")) {
      members.put(name, new PeerAddress("127.0.0.1", LocalCluster.freePort(members.values())));
    }
    out.println("Etch demo: starting a 3-member cluster in this JVM, data in " + dir);
    List<EtcdNode> nodes = new ArrayList<>();
    for (String name : members.keySet()) {
      nodes.add(
          EtcdNode.builder()
              .memberName(name)
              .dataDir(dir.resolve(name))
              .peerListen(members.get(name))
              .initialCluster(members)
              .heartbeatInterval(HEARTBEAT)
              .electionTimeout(ELECTION)
              .build());
    }
    try {
      CompletableFuture.allOf(nodes.stream().map(EtcdNode::start).toArray(CompletableFuture[]::new))
          .join();
      EtcdNode leader = LocalCluster.awaitLeader(nodes);
      out.println("  leader: " + leader.config().memberName() + " (term " + term(leader) + ")");
      EtcdNode follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

      // A watch on a follower sees writes made through any member.
      List<WatchEvent> seen = new CopyOnWriteArrayList<>();
      Watcher watcher =
          follower
              .watch()
              .watch(
                  bytes("/demo/config/"),
                  WatchOption.builder().isPrefix(true).build(),
                  Watch.listener(
                      (WatchResponse r) -> {
                        seen.addAll(r.events());
                        for (WatchEvent e : r.events()) {
                          out.println(
                              "  watch on "
                                  + follower.config().memberName()
                                  + ": "
                                  + e.type()
                                  + " "
                                  + e.kv().key()
                                  + " = "
                                  + e.kv().value()
                                  + " @ revision "
                                  + e.kv().modRevision());
                        }
                      }));

      // Writes through every member: followers hand them to the leader inside the cluster.
      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        EtcdNode via = nodes.get(i % nodes.size());
        acks.add(via.kv().put(bytes(String.format("/demo/keys/%04d", i)), bytes("value-" + i)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
      out.println("  wrote " + KEYS + " keys through all three members; all acknowledged");

      leader.kv().put(bytes("/demo/config/mode"), bytes("blue")).join();
      GetResponse read = follower.kv().get(bytes("/demo/config/mode")).join();
      KeyValue kv = read.kvs().get(0);
      out.println(
          "  linearizable read on "
              + follower.config().memberName()
              + ": /demo/config/mode = "
              + kv.value()
              + " (version "
              + kv.version()
              + ", revision "
              + read.header().revision()
              + ")");

      TxnResponse cas =
          follower
              .kv()
              .txn()
              .If(
                  new Cmp(
                      bytes("/demo/config/mode"), Cmp.Result.EQUAL, CmpTarget.value(bytes("blue"))))
              .Then(Op.put(bytes("/demo/config/mode"), bytes("green"), PutOption.DEFAULT))
              .Else()
              .commit()
              .join();
      out.println("  compare-and-set blue -> green: " + (cas.succeeded() ? "succeeded" : "failed"));
      LocalCluster.awaitTrue(() -> seen.size() >= 2, "the watch to see both config writes");
      watcher.close();

      // A lock handed from one member to another, with growing fencing tokens.
      EtcdNode other =
          nodes.stream().filter(n -> n != leader && n != follower).findFirst().orElseThrow();
      Session lockSessionA =
          Session.builder(follower).ttlSeconds(SESSION_TTL_SECONDS).open().join();
      Session lockSessionB = Session.builder(other).ttlSeconds(SESSION_TTL_SECONDS).open().join();
      LockOwnership held = Lock.on(lockSessionA).lock("/demo/locks/report").join();
      CompletableFuture<LockOwnership> waiting = Lock.on(lockSessionB).lock("/demo/locks/report");
      out.println(
          "  lock /demo/locks/report held via "
              + follower.config().memberName()
              + " (fencing token "
              + held.fencingToken()
              + "); "
              + other.config().memberName()
              + " waits");
      held.unlock().join();
      LockOwnership handed = waiting.join();
      out.println(
          "  lock handed to "
              + other.config().memberName()
              + " (fencing token "
              + handed.fencingToken()
              + " > "
              + held.fencingToken()
              + ")");
      handed.unlock().join();
      lockSessionA.close();
      lockSessionB.close();

      // Leader election among service instances: the first candidate runs on the raft leader's
      // member, which is about to die; the second waits on a follower.
      List<String> electionSeen = new CopyOnWriteArrayList<>();
      Subscription observer =
          Election.on(follower)
              .observe(
                  "/demo/election/scheduler",
                  l -> {
                    String who = l.map(x -> x.value().toString()).orElse("(nobody)");
                    electionSeen.add(who);
                    out.println("  election observer: scheduler leader is " + who);
                  });
      Leadership schedulerOnLeader =
          Election.on(leader)
              .campaign(
                  Session.builder(leader).ttlSeconds(SESSION_TTL_SECONDS).open().join(),
                  "/demo/election/scheduler",
                  "scheduler@" + leader.config().memberName())
              .join();
      CompletableFuture<Leadership> schedulerOnFollower =
          Election.on(follower)
              .campaign(
                  Session.builder(follower).ttlSeconds(SESSION_TTL_SECONDS).open().join(),
                  "/demo/election/scheduler",
                  "scheduler@" + follower.config().memberName());

      // Service registry: one instance registered from each of two members.
      List<List<ServiceInstance>> registryViews = new CopyOnWriteArrayList<>();
      Subscription registryWatch =
          ServiceRegistry.on(follower)
              .watch(
                  "web",
                  instances -> {
                    registryViews.add(instances);
                    out.println(
                        "  registry: web instances "
                            + instances.stream().map(ServiceInstance::instanceId).toList());
                  });
      ServiceRegistry.on(leader)
          .register(
              Session.builder(leader).ttlSeconds(SESSION_TTL_SECONDS).open().join(),
              new ServiceInstance("web", "web-" + leader.config().memberName(), "10.0.0.1:8080"))
          .join();
      ServiceRegistry.on(follower)
          .register(
              Session.builder(follower).ttlSeconds(SESSION_TTL_SECONDS).open().join(),
              new ServiceInstance("web", "web-" + follower.config().memberName(), "10.0.0.2:8080"))
          .join();
      LocalCluster.awaitTrue(
          () -> !registryViews.isEmpty() && registryViews.get(registryViews.size() - 1).size() == 2,
          "both instances in the registry");

      // Close the leader: the others elect a new one and keep every acknowledged write.
      out.println("  closing the leader " + leader.config().memberName() + " ...");
      long killNs = System.nanoTime();
      leader.close();
      List<EtcdNode> survivors = nodes.stream().filter(n -> n != leader).toList();
      EtcdNode newLeader = LocalCluster.awaitLeader(survivors);
      out.printf(
          "  new leader: %s (term %d) after %d ms%n",
          newLeader.config().memberName(),
          term(newLeader),
          (System.nanoTime() - killNs) / 1_000_000);
      for (EtcdNode n : survivors) {
        long count =
            n.kv()
                .get(
                    bytes("/demo/keys/"),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .join()
                .count();
        out.println(
            "  "
                + n.config().memberName()
                + " reads "
                + count
                + " of "
                + KEYS
                + " acknowledged keys (linearizable)");
        if (count != KEYS) {
          throw new IllegalStateException("acknowledged writes lost: " + count + " of " + KEYS);
        }
      }
      newLeader.kv().put(bytes("/demo/config/mode"), bytes("after-failover")).join();
      out.println("  writes continue on the new leader");

      // The dead member's session expires after its TTL: its election candidate and its service
      // instance go with it.
      Leadership takenOver = schedulerOnFollower.join();
      out.println(
          "  election: "
              + follower.config().memberName()
              + "'s candidate took over (fencing token "
              + takenOver.fencingToken()
              + " > "
              + schedulerOnLeader.fencingToken()
              + ")");
      LocalCluster.awaitTrue(
          () -> registryViews.get(registryViews.size() - 1).size() == 1,
          "the dead member's service instance to vanish");
      out.println(
          "  registry: web-"
              + leader.config().memberName()
              + " vanished when its member died; web-"
              + follower.config().memberName()
              + " remains");
      observer.close();
      registryWatch.close();
      takenOver.close();
      out.printf(
          "Summary: 3 members, %d keys written, a watch, a compare-and-set, a lock handed over,"
              + " an election and a service registry that followed a leader failover,"
              + " nothing acknowledged lost (%.1f s).%n",
          KEYS, (System.nanoTime() - startNs) / 1e9);
    } finally {
      for (EtcdNode n : nodes) {
        n.close();
      }
    }
  }

  private static long term(EtcdNode node) {
    return node.maintenance().status().join().raftTerm();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s);
  }
}
