package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.faults.Nemesis.Fault;
import io.etch.lincheck.CheckResult;
import io.etch.lincheck.EtcdKvModel;
import io.etch.lincheck.LinearizabilityChecker;
import io.etch.lincheck.Operation;
import io.etch.lincheck.Verdict;
import io.etch.maintenance.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault run: start a cluster behind the fault network, run the register clients and a watcher
 * per member while the {@link Nemesis} injects faults, heal, let the cluster converge, then check
 * everything the suite promises and report figures. Nothing here asserts; the tests do, printing
 * the seed and the replay command with any failure.
 */
final class FaultRun {
  private static final Logger LOG = LoggerFactory.getLogger(FaultRun.class);

  /** What to run. */
  record Config(
      int members, Duration duration, Set<Fault> faults, int clients, long snapshotCount) {
    static Config of(int members, Duration duration, Set<Fault> faults) {
      return new Config(members, duration, faults, members + 2, 500);
    }
  }

  /** What happened and what the checks found. */
  record Report(
      long seed,
      Config config,
      int operations,
      int unknown,
      Map<Fault, Integer> faults,
      Map<String, Integer> membershipChanges,
      long framesCut,
      long framesDropped,
      long framesDelayed,
      long checkerMs,
      Verdict verdict,
      String checkerDetail,
      long finalRevision,
      List<String> violations) {

    boolean ok() {
      return verdict == Verdict.LINEARIZABLE && violations.isEmpty();
    }

    String summary() {
      return String.format(
          "seed=%d members=%d ops=%d unknown=%d faults=%s membership=%s frames(cut=%d dropped=%d"
              + " delayed=%d) finalRevision=%d checker=%d ms verdict=%s violations=%d",
          seed,
          config.members(),
          operations,
          unknown,
          faults,
          new java.util.TreeMap<>(membershipChanges),
          framesCut,
          framesDropped,
          framesDelayed,
          finalRevision,
          checkerMs,
          verdict,
          violations.size());
    }
  }

  static Set<Fault> all() {
    return EnumSet.allOf(Fault.class);
  }

  static Report run(Path dir, long seed, Config config) {
    try (FaultCluster cluster =
        new FaultCluster(dir, config.members(), seed, config.snapshotCount()).start()) {
      long firstRevision = cluster.status(cluster.names().get(0)).revision() + 1;
      // a watcher per member, also for members that join during the run (from the revision they
      // hold when first seen); kept for removed members, whose streams are checked up to their end
      Map<String, WatchRecorder> watchers = new LinkedHashMap<>();
      Runnable attach =
          () -> {
            for (String m : cluster.names()) {
              WatchRecorder w = watchers.get(m);
              if (w == null) {
                long from = firstRevision;
                if (cluster.joined(m)) {
                  StatusResponse s = cluster.started(m) ? cluster.status(m) : null;
                  if (s == null) {
                    continue;
                  }
                  from = Math.max(firstRevision, s.revision() + 1);
                }
                w = new WatchRecorder(m, from);
                watchers.put(m, w);
              }
              w.ensureWatching(cluster.node(m));
            }
            // a removed member's stream is complete: let go of its instance
            watchers.forEach(
                (m, w) -> {
                  if (cluster.role(m) == FaultCluster.Role.REMOVED) {
                    w.close();
                  }
                });
          };
      LeaseWorkload leases = new LeaseWorkload(cluster, seed ^ 0x1EA5EL);
      Runnable attachAll =
          () -> {
            attach.run();
            leases.attach();
          };
      attachAll.run();
      Workload workload = new Workload(cluster, config.clients(), seed ^ 0x5DEECE66DL);
      LockWorkload locks = new LockWorkload(cluster, seed ^ 0x10C4L);
      Nemesis nemesis = new Nemesis(cluster, seed, config.faults(), attachAll);
      workload.start();
      leases.start();
      locks.start();
      nemesis.run(System.nanoTime() + config.duration().toNanos());
      // a membership change the harness gave up on may have committed since: the cluster decides
      nemesis.membership().reconcile();
      workload.stop();
      leases.stop();
      locks.stop();
      List<Recorded> history = workload.history();

      List<String> violations = new ArrayList<>();
      long finalRevision;
      try {
        finalRevision = converge(cluster, attach);
      } catch (ConditionTimeoutException e) {
        StringBuilder statuses = new StringBuilder();
        for (String m : cluster.everyone()) {
          statuses
              .append("\n  ")
              .append(m)
              .append(" (")
              .append(cluster.role(m))
              .append("): ")
              .append(cluster.status(m));
        }
        throw new AssertionError(
            "seed "
                + seed
                + ": the healed cluster did not converge within 90 s; statuses:"
                + statuses,
            e);
      }
      LOG.info("run {}: converged at revision {}", seed, finalRevision);

      List<String> members = cluster.names();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                attach.run();
                return members.stream()
                    .allMatch(
                        m ->
                            watchers.containsKey(m)
                                && watchers.get(m).lastRevision() >= finalRevision);
              });
      Map<String, List<List<WatchRecorder.Event>>> live = new LinkedHashMap<>();
      watchers.forEach(
          (m, w) -> {
            w.close();
            live.put(m, w.responses());
            String label = m + (members.contains(m) ? "" : " (removed)") + " (live watch)";
            violations.addAll(
                HistoryChecks.watch(label, w.responses(), history, w.firstRevision()));
          });
      violations.addAll(HistoryChecks.sameStreams(live));

      // every final member's full history, replayed from revision 1 after all the crashes (a
      // removed member's acknowledged writes are in the history, so they are looked for here)
      Map<String, List<List<WatchRecorder.Event>>> replayed = new LinkedHashMap<>();
      for (String m : members) {
        WatchRecorder replay = new WatchRecorder(m);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  replay.ensureWatching(cluster.node(m));
                  return replay.lastRevision() >= finalRevision;
                });
        replay.close();
        replayed.put(m, replay.responses());
        violations.addAll(
            HistoryChecks.watch(m + " (replay)", replay.responses(), history, firstRevision));
        violations.addAll(
            HistoryChecks.acknowledgedPresent(m + " (replay)", replay.responses(), history));
      }
      violations.addAll(HistoryChecks.sameStreams(replayed));
      violations.addAll(hashes(cluster, finalRevision));
      violations.addAll(HistoryChecks.revisions(history));
      violations.addAll(leases.earlyExpiries());
      violations.addAll(locks.violations());
      LOG.info("run {}: lock holds={} clean={}", seed, locks.holds(), locks.cleanHolds());
      leases.close();
      LOG.info(
          "run {}: leases granted={} renewals={} expiries seen={} early={}",
          seed,
          leases.granted(),
          leases.renewals(),
          leases.expiriesSeen(),
          leases.earlyExpiries().size());

      List<Operation<EtcdKvModel.Op, EtcdKvModel.Result>> ops = new ArrayList<>();
      int unknown = 0;
      for (Recorded r : history) {
        ops.add(r.toOperation());
        unknown += r.isUnknown() ? 1 : 0;
      }
      long t0 = System.nanoTime();
      CheckResult result =
          LinearizabilityChecker.builder()
              .timeBudget(Duration.ofMinutes(2))
              .maxConfigurations(maxConfigurations(ops.size()))
              .build()
              .check(new EtcdKvModel(), ops);
      long checkerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      Report report =
          new Report(
              seed,
              config,
              history.size(),
              unknown,
              nemesis.injected(),
              nemesis.membership().counts(),
              cluster.network.framesCut.get(),
              cluster.network.framesDropped.get(),
              cluster.network.framesDelayed.get(),
              checkerMs,
              result.verdict(),
              result.isLinearizable() ? "" : result.describe(),
              finalRevision,
              violations);
      Map<String, Integer> unknownByMember = new java.util.TreeMap<>();
      history.stream()
          .filter(Recorded::isUnknown)
          .forEach(r -> unknownByMember.merge(r.member(), 1, Integer::sum));
      LOG.info("fault run: {} unknown by member={}", report.summary(), unknownByMember);
      return report;
    }
  }

  /**
   * A memo bound that fits the heap: a memoized configuration holds a bit set over its partition's
   * operations (the key pairs make 5 partitions of similar size), so its size grows with the
   * history; about 400 MB of memo at most. Without it, a history with many writes of unknown
   * outcome made the search fill a 2 GB heap (1.7 million configurations of 700 bytes) before its
   * time budget ran out.
   */
  static long maxConfigurations(int operations) {
    long bytesPerConfiguration = 100 + operations / 40;
    return Math.max(
        10_000,
        Math.min(
            LinearizabilityChecker.Builder.DEFAULT_MAX_CONFIGURATIONS,
            (400L << 20) / bytesPerConfiguration));
  }

  /** Waits until every member is up, agrees on a leader and holds the same revision, twice. */
  private static long converge(FaultCluster cluster, Runnable attach) {
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              attach.run();
              long revision = -1;
              long leader = -1;
              for (String m : cluster.names()) {
                StatusResponse s = cluster.status(m);
                if (s == null || s.leaderId() == 0) {
                  return false;
                }
                if (revision >= 0 && (s.revision() != revision || s.leaderId() != leader)) {
                  return false;
                }
                revision = s.revision();
                leader = s.leaderId();
              }
              boolean stable = revision == last[0];
              last[0] = revision;
              return stable;
            });
    return last[0];
  }

  private static List<String> hashes(FaultCluster cluster, long revision) {
    List<String> out = new ArrayList<>();
    Long first = null;
    String firstMember = null;
    for (String m : cluster.names()) {
      EtcdNode n = cluster.node(m);
      long hash = n.maintenance().hashKv(revision).orTimeout(30, TimeUnit.SECONDS).join().hash();
      if (first == null) {
        first = hash;
        firstMember = m;
      } else if (hash != first) {
        out.add(
            "hashKv at revision "
                + revision
                + ": "
                + m
                + " has "
                + Long.toHexString(hash)
                + ", "
                + firstMember
                + " has "
                + Long.toHexString(first));
      }
    }
    return out;
  }
}
