package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.cluster.MemberIds;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault schedule of one run: from a seed, a sequence of faults, each held for a while and then
 * healed, with a quiet gap after it. One fault at a time, so a 3-member cluster keeps a quorum
 * except while a partition or pause takes it away on purpose. Waits use Awaitility's poll delay
 * (never {@code Thread.sleep}); {@code between} runs at every step (the run re-attaches watchers
 * there).
 */
final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

  /** The kinds of fault injected. */
  enum Fault {
    /** A random minority cut off from the majority, both ways. */
    PARTITION,
    /** One direction of one link cut (a member hears another but is not heard). */
    ASYMMETRIC,
    /** The current leader cut off from everyone. */
    ISOLATE_LEADER,
    /** Every Raft message lost with probability 5–30 %. */
    DROPS,
    /** Every frame delayed 5–60 ms plus jitter. */
    DELAYS,
    /** A member's traffic frozen and its WAL fsync stalled (its raft thread blocks). */
    PAUSE,
    /** A member crashes losing unsynced writes (power loss or torn sectors), then restarts. */
    CRASH,
    /** Every member crashes at once losing unsynced writes, then all restart (a power outage). */
    POWER_OUTAGE,
    /** The leader closed (it hands leadership over), then restarted. */
    LEADER_RESTART,
    /** {@code cluster().moveLeader} from the leader to another running member, during traffic. */
    MOVE_LEADER,
    /**
     * A new member added as a learner, promoted once caught up, then an old voter (sometimes the
     * leader) removed, sometimes with a second fault in the middle ({@link MembershipFaults}).
     */
    MEMBER_REPLACE,
    /** A new member added as a learner, then removed again without being promoted. */
    LEARNER_CHURN
  }

  private final FaultCluster cluster;
  private final SplittableRandom random;
  private final List<Fault> enabled;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final Runnable between;
  private final MembershipFaults membership;

  Nemesis(FaultCluster cluster, long seed, Set<Fault> enabled, Runnable between) {
    this.cluster = cluster;
    this.random = new SplittableRandom(seed);
    this.membership =
        new MembershipFaults(
            cluster, new SplittableRandom(seed ^ 0x3E3B3E5L), cluster.names().size());
    this.enabled = new ArrayList<>(enabled);
    this.enabled.sort(null);
    this.between = between;
  }

  Map<Fault, Integer> injected() {
    return Map.copyOf(injected);
  }

  MembershipFaults membership() {
    return membership;
  }

  /** Injects faults until {@code deadlineNs}, then heals everything and restarts every member. */
  void run(long deadlineNs) {
    while (System.nanoTime() - deadlineNs < 0) {
      pause(400 + random.nextInt(800));
      if (enabled.isEmpty()) {
        continue;
      }
      Fault f = enabled.get(random.nextInt(enabled.size()));
      inject(f);
    }
    heal();
  }

  void heal() {
    cluster.network.calm();
    for (String m : cluster.names()) {
      cluster.storage(m).stallSyncs(0);
      cluster.restart(m);
    }
    between.run();
  }

  private void inject(Fault f) {
    List<String> names = cluster.names();
    long holdMs = 500 + random.nextInt(2500);
    Runnable undo;
    String detail;
    switch (f) {
      case PARTITION -> {
        List<String> shuffled = Draws.shuffled(random, names);
        int minority = 1 + random.nextInt((names.size() - 1) / 2);
        List<String> side = shuffled.subList(0, minority);
        cluster.network.partition(side);
        undo = cluster.network::heal;
        detail = "minority " + side;
      }
      case ASYMMETRIC -> {
        List<String> shuffled = Draws.shuffled(random, names);
        String from = shuffled.get(0);
        String to = shuffled.get(1);
        String leader = cluster.leader();
        if (leader != null && random.nextBoolean()) {
          // the leader is heard by nobody, or hears nobody
          boolean mute = random.nextBoolean();
          for (String other : names) {
            if (!other.equals(leader)) {
              if (mute) {
                cluster.network.cut(leader, other);
              } else {
                cluster.network.cut(other, leader);
              }
            }
          }
          detail = (mute ? "leader " + leader + " unheard" : "leader " + leader + " deaf");
        } else {
          cluster.network.cut(from, to);
          detail = from + " -/-> " + to;
        }
        undo = cluster.network::heal;
      }
      case ISOLATE_LEADER -> {
        String leader = cluster.leader();
        if (leader == null) {
          return;
        }
        cluster.network.isolate(leader);
        undo = cluster.network::heal;
        detail = leader;
      }
      case DROPS -> {
        double p = 0.05 + random.nextDouble() * 0.25;
        cluster.network.drops(p);
        undo = () -> cluster.network.drops(0);
        detail = String.format("p=%.2f", p);
      }
      case DELAYS -> {
        long base = 5 + random.nextInt(55);
        cluster.network.delays(base * 1_000_000L, base * 500_000L);
        undo = () -> cluster.network.delays(0, 0);
        detail = base + " ms";
      }
      case PAUSE -> {
        String m = Draws.pick(random, cluster.upMembers());
        if (m == null) {
          return;
        }
        cluster.network.freeze(m);
        cluster.storage(m).stallSyncs(System.nanoTime() + holdMs * 1_000_000L);
        undo =
            () -> {
              cluster.storage(m).stallSyncs(0);
              cluster.network.thaw(m);
            };
        detail = m;
      }
      case CRASH -> {
        String m =
            random.nextInt(3) == 0 ? cluster.leader() : Draws.pick(random, cluster.upMembers());
        if (m == null) {
          return;
        }
        CrashMode mode = random.nextBoolean() ? CrashMode.POWER_LOSS : CrashMode.TORN_SECTORS;
        cluster.crash(m, mode);
        undo = () -> cluster.restart(m);
        detail = m + " " + mode;
      }
      case POWER_OUTAGE -> {
        List<String> up = cluster.upMembers();
        CrashMode mode = random.nextBoolean() ? CrashMode.POWER_LOSS : CrashMode.TORN_SECTORS;
        cluster.crash(up, mode);
        holdMs = 200 + random.nextInt(800);
        undo =
            () -> {
              for (String m : up) {
                cluster.restart(m);
              }
            };
        detail = up + " " + mode;
      }
      case LEADER_RESTART -> {
        String leader = cluster.leader();
        if (leader == null) {
          return;
        }
        cluster.stop(leader);
        undo = () -> cluster.restart(leader);
        detail = leader;
      }
      case MOVE_LEADER -> {
        String leader = cluster.leader();
        List<String> others = new ArrayList<>(cluster.upMembers());
        others.remove(leader);
        String target = Draws.pick(random, others);
        if (leader == null || target == null) {
          return;
        }
        try {
          cluster
              .node(leader)
              .cluster()
              .moveLeader(MemberIds.memberId(FaultCluster.TOKEN, target))
              .get(5, TimeUnit.SECONDS);
          detail = leader + " -> " + target;
        } catch (Exception e) {
          detail = leader + " -> " + target + " refused: " + e;
        }
        undo = () -> {};
      }
      case MEMBER_REPLACE -> {
        detail = membership.replace();
        holdMs = 100 + random.nextInt(400);
        undo = () -> {};
      }
      case LEARNER_CHURN -> {
        detail = membership.churn();
        holdMs = 100 + random.nextInt(400);
        undo = () -> {};
      }
      default -> throw new IllegalStateException("unknown fault " + f);
    }
    injected.merge(f, 1, Integer::sum);
    LOG.info("nemesis: {} {} for {} ms", f, detail, holdMs);
    between.run();
    pause(holdMs);
    undo.run();
    between.run();
  }

  private void pause(long ms) {
    await()
        .pollDelay(Duration.ofMillis(ms))
        .atMost(Duration.ofMillis(ms + 60_000))
        .until(() -> true);
  }
}
