package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.LearnerNotReadyException;
import io.etch.MemberExistsException;
import io.etch.MemberNotFoundException;
import io.etch.NotLearnerException;
import io.etch.TooManyLearnersException;
import io.etch.UnhealthyClusterException;
import io.etch.cluster.Cluster;
import io.etch.cluster.Member;
import io.etch.faults.FaultCluster.Role;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes as faults, during traffic: a <em>replacement</em> adds a new member as a
 * learner ({@code joinExisting}, a fresh name and id, its own directory and proxy), waits until it
 * caught up (half of the time until it started, and always by retrying the promotion while the
 * leader answers {@link LearnerNotReadyException}), promotes it, and removes one old voter chosen
 * by the seeded random, the current leader one time in three; so the cluster returns to its size
 * after each replacement. A <em>churn</em> adds a learner and removes it again without promoting
 * it.
 *
 * <p>Each step runs through a random running member (a follower asks the leader; a removed leader
 * hands over first). The typed refusals the API documents ({@link UnhealthyClusterException},
 * {@link LearnerNotReadyException}, {@link TooManyLearnersException}) are expected under faults and
 * are retried until the step's deadline; an answer that says the change already happened ({@link
 * MemberExistsException} for our fresh name, {@link NotLearnerException}, {@link
 * MemberNotFoundException}) is confirmed by the member list; any other failure (timeouts, no
 * leader, the member we asked closing or removed) leaves the outcome unknown, and the member list,
 * read through another member, decides. A step that cannot finish by its deadline is given up and
 * left for the next replacement: a learner left unpromoted is promoted first, an extra voter is
 * removed first. {@link #reconcile} makes the harness's view equal the cluster's at the start of
 * each replacement and at the end of the run (a change that committed after the harness gave up on
 * it).
 *
 * <p>A replacement may be disturbed by a second fault at a chosen point: the new learner crashed
 * right after it was added (restarted a moment later), a random minority cut off during promotion,
 * the leader crashed right after the promotion or the removal was proposed through it, the leader
 * isolated just before the removal, the voter to remove crashed first (removed while down), or Raft
 * messages dropped throughout. The disturbance is undone by a deadline checked between attempts,
 * and at the end of the replacement at the latest.
 */
final class MembershipFaults {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipFaults.class);
  private static final Duration ATTEMPT = Duration.ofSeconds(4);
  private static final long ADD_DEADLINE_MS = 10_000;
  private static final long START_DEADLINE_MS = 15_000;
  private static final long PROMOTE_DEADLINE_MS = 15_000;
  private static final long REMOVE_DEADLINE_MS = 10_000;
  private static final long LIST_DEADLINE_MS = 10_000;

  /** What an attempt came to. */
  private enum Outcome {
    DONE,
    /** The answer says it already happened (confirmed by the member list). */
    ALREADY,
    /** A typed refusal, retryable. */
    REFUSED,
    /** Timed out or failed in a way that leaves the change possibly applied. */
    UNKNOWN
  }

  /** A second fault held during part of a replacement. */
  private enum Disturbance {
    NONE,
    CRASH_LEARNER,
    PARTITION_DURING_PROMOTE,
    /** The promotion proposed through the leader, which crashes at once. */
    CRASH_LEADER_DURING_PROMOTE,
    /** The removal proposed through the leader, which crashes at once. */
    CRASH_LEADER_DURING_REMOVE,
    /** The voter to remove crashed first: it is removed while down (and never comes back). */
    VICTIM_DOWN,
    ISOLATE_LEADER_BEFORE_REMOVE,
    DROPS
  }

  private final FaultCluster cluster;
  private final SplittableRandom random;
  private final int size;
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private Runnable undo;
  private long undoAtNs;

  MembershipFaults(FaultCluster cluster, SplittableRandom random, int size) {
    this.cluster = cluster;
    this.random = random;
    this.size = size;
  }

  /** Membership changes done, refused, of unknown outcome, given up, by kind. */
  Map<String, Integer> counts() {
    synchronized (counts) {
      return Map.copyOf(counts);
    }
  }

  private void count(String what) {
    synchronized (counts) {
      counts.merge(what, 1, Integer::sum);
    }
  }

  /** One replacement (or the rest of an unfinished one); returns what it did, for the log. */
  String replace() {
    reconcile();
    Disturbance d = Disturbance.values()[random.nextInt(Disturbance.values().length)];
    StringBuilder log = new StringBuilder(d.name());
    if (d == Disturbance.DROPS) {
      cluster.network.drops(0.1 + random.nextDouble() * 0.2);
      disturb(() -> cluster.network.drops(0), 1_000 + random.nextInt(3_000));
    }
    try {
      String learner = first(cluster.withRole(Role.LEARNER));
      if (learner == null && cluster.withRole(Role.VOTER).size() <= size) {
        learner = addLearner(log, d == Disturbance.CRASH_LEARNER);
      }
      if (learner != null) {
        if (d == Disturbance.PARTITION_DURING_PROMOTE) {
          List<String> names = Draws.shuffled(random, cluster.names());
          List<String> side = names.subList(0, 1 + random.nextInt((names.size() - 1) / 2));
          cluster.network.partition(side);
          disturb(cluster.network::heal, 500 + random.nextInt(2_000));
          log.append(" partition ").append(side);
        }
        if (d == Disturbance.CRASH_LEADER_DURING_PROMOTE) {
          long id = FaultCluster.memberId(learner);
          crashLeaderDuring(c -> c.promoteMember(id), log);
        }
        promote(learner, log);
      }
      List<String> voters = cluster.withRole(Role.VOTER);
      if (voters.size() > size) {
        voters.remove(learner);
        String leader = cluster.leader();
        String victim =
            random.nextInt(3) == 0 && leader != null && voters.contains(leader)
                ? leader
                : voters.get(random.nextInt(voters.size()));
        if (d == Disturbance.ISOLATE_LEADER_BEFORE_REMOVE && leader != null) {
          cluster.network.isolate(leader);
          disturb(cluster.network::heal, 500 + random.nextInt(2_000));
          log.append(" isolated ").append(leader);
        }
        if (d == Disturbance.CRASH_LEADER_DURING_REMOVE) {
          long id = FaultCluster.memberId(victim);
          crashLeaderDuring(c -> c.removeMember(id), log);
        }
        if (d == Disturbance.VICTIM_DOWN && cluster.isUp(victim)) {
          cluster.crash(victim, crashMode());
          count("victim crashed before removal");
          disturb(() -> cluster.restart(victim), 1_000 + random.nextInt(2_000));
          log.append(" crashed ").append(victim);
        }
        remove(victim, victim.equals(leader), log);
      }
    } finally {
      undoNow();
    }
    return log.toString();
  }

  /** A learner added, then removed without being promoted. */
  String churn() {
    reconcile();
    StringBuilder log = new StringBuilder();
    if (!cluster.withRole(Role.LEARNER).isEmpty()) {
      return replace();
    }
    String learner = addLearner(log, false);
    if (learner != null) {
      remove(learner, false, log);
    }
    return log.toString();
  }

  private String addLearner(StringBuilder log, boolean crashIt) {
    String name = cluster.join();
    long id = FaultCluster.memberId(name);
    long deadline = System.nanoTime() + ADD_DEADLINE_MS * 1_000_000L;
    boolean added = false;
    while (!added && System.nanoTime() - deadline < 0) {
      Outcome o =
          attempt(Change.ADD, c -> c.addMember(name, cluster.advertised(name), true), name, id);
      added = o == Outcome.DONE || o == Outcome.ALREADY;
    }
    if (!added) {
      List<Member> list = list();
      added = list != null && Change.ADD.doneIn(list, id);
    }
    if (!added) {
      // not in the membership as far as anyone can tell: give the joiner up (if the change commits
      // later after all, reconcile removes it)
      count("add given up");
      cluster.retire(name);
      log.append(" add ").append(name).append(" given up");
      return null;
    }
    cluster.admitted(name);
    count("added");
    log.append(" added ").append(name);
    if (crashIt) {
      CrashMode mode = crashMode();
      cluster.crash(name, mode);
      count("learner crashed");
      disturb(() -> cluster.restart(name), 300 + random.nextInt(1_200));
      log.append(" crashed ").append(name).append(' ').append(mode);
    }
    // half of the time the promotion starts at once, while the learner is still being contacted
    // and sent its snapshot: the leader refuses it (LearnerNotReadyException) until it caught up
    long startDeadline =
        System.nanoTime() + (random.nextBoolean() ? START_DEADLINE_MS * 1_000_000L : 0);
    while (!cluster.started(name) && System.nanoTime() - startDeadline < 0) {
      tick();
      pause(100);
    }
    return name;
  }

  /**
   * Proposes a change through the current leader and crashes the leader at once (losing unsynced
   * writes), before the answer: the change may commit or vanish; the next steps find out which. The
   * leader restarts 0.5–2 s later.
   */
  private void crashLeaderDuring(Function<Cluster, CompletableFuture<?>> call, StringBuilder log) {
    String leader = cluster.leader();
    EtcdNode n = leader == null ? null : cluster.node(leader);
    if (n == null) {
      return;
    }
    try {
      call.apply(n.cluster());
    } catch (RuntimeException e) {
      // the leader is closing already: the crash below is what matters
    }
    CrashMode mode = crashMode();
    cluster.crash(leader, mode);
    count("leader crashed during a change");
    disturb(() -> cluster.restart(leader), 500 + random.nextInt(1_500));
    log.append(" crashed leader ").append(leader).append(' ').append(mode);
  }

  private CrashMode crashMode() {
    return random.nextBoolean() ? CrashMode.POWER_LOSS : CrashMode.TORN_SECTORS;
  }

  private void promote(String name, StringBuilder log) {
    long id = FaultCluster.memberId(name);
    long deadline = System.nanoTime() + PROMOTE_DEADLINE_MS * 1_000_000L;
    while (System.nanoTime() - deadline < 0) {
      Outcome o = attempt(Change.PROMOTE, c -> c.promoteMember(id), name, id);
      if (o == Outcome.DONE || o == Outcome.ALREADY) {
        cluster.promoted(name);
        count("promoted");
        log.append(" promoted ").append(name);
        return;
      }
    }
    count("promote given up");
    log.append(" promote ").append(name).append(" given up");
  }

  private void remove(String name, boolean leader, StringBuilder log) {
    long id = FaultCluster.memberId(name);
    long deadline = System.nanoTime() + REMOVE_DEADLINE_MS * 1_000_000L;
    while (System.nanoTime() - deadline < 0) {
      Outcome o = attempt(Change.REMOVE, c -> c.removeMember(id), name, id);
      if (o == Outcome.DONE || o == Outcome.ALREADY) {
        cluster.retire(name);
        count(leader ? "removed leader" : "removed");
        log.append(leader ? " removed leader " : " removed ").append(name);
        return;
      }
    }
    count("remove given up");
    log.append(" remove ").append(name).append(" given up");
  }

  /** Typed refusals the API documents: retried until the step's deadline. */
  private static final Set<Class<? extends Throwable>> REFUSALS =
      Set.of(
          UnhealthyClusterException.class,
          LearnerNotReadyException.class,
          TooManyLearnersException.class);

  /** Answers that say the change already happened (our earlier attempt applied). */
  private static final Set<Class<? extends Throwable>> ALREADY_DONE =
      Set.of(MemberExistsException.class, NotLearnerException.class, MemberNotFoundException.class);

  /** What a change is, to tell from a member list whether it happened. */
  private enum Change {
    ADD,
    PROMOTE,
    REMOVE;

    boolean doneIn(List<Member> list, long id) {
      Member m = null;
      for (Member x : list) {
        if (x.id() == id) {
          m = x;
        }
      }
      return switch (this) {
        case ADD -> m != null;
        case PROMOTE -> m != null && !m.learner();
        case REMOVE -> m == null;
      };
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One call through a random running member; the member list decides any doubt. */
  private Outcome attempt(
      Change change, Function<Cluster, CompletableFuture<?>> call, String name, long id) {
    tick();
    String through = Draws.pick(random, cluster.upMembers());
    EtcdNode n = through == null ? null : cluster.node(through);
    if (n == null) {
      pause(200);
      return Outcome.REFUSED;
    }
    Throwable failure;
    try {
      call.apply(n.cluster()).get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
      return Outcome.DONE;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      failure = e;
    }
    if (REFUSALS.contains(failure.getClass())) {
      count(change.label() + " refused (" + failure.getClass().getSimpleName() + ")");
      pause(200);
      return Outcome.REFUSED;
    }
    boolean already = ALREADY_DONE.contains(failure.getClass());
    if (!already) {
      count(change.label() + " unknown");
      LOG.info(
          "membership: {} {} through {}: outcome unknown ({})",
          change,
          name,
          through,
          failure.toString());
    }
    List<Member> list = list();
    if (list != null && change.doneIn(list, id)) {
      count(change.label() + (already ? " already done" : " unknown, found done"));
      return Outcome.ALREADY;
    }
    if (already) {
      LOG.info("membership: {} {}: {}, but the member list disagrees", change, name, failure);
    }
    pause(200);
    return Outcome.UNKNOWN;
  }

  /** The member list, linearizable, through running members in turn; null when none answered. */
  private List<Member> list() {
    long deadline = System.nanoTime() + LIST_DEADLINE_MS * 1_000_000L;
    while (System.nanoTime() - deadline < 0) {
      tick();
      for (String m : Draws.shuffled(random, cluster.upMembers())) {
        EtcdNode n = cluster.node(m);
        if (n == null) {
          continue;
        }
        try {
          return n.cluster().listMembers().get(3, TimeUnit.SECONDS).members();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } catch (Exception e) {
          // this member cannot answer now; ask another
        }
      }
      pause(200);
    }
    return null;
  }

  /**
   * Makes the harness's view equal the cluster's member list: a member of the list the harness gave
   * up (its add committed late) is removed; a current member missing from the list is retired; a
   * learner the list shows promoted is a voter.
   */
  void reconcile() {
    List<Member> list = list();
    if (list == null) {
      return;
    }
    Map<Long, Member> byId = new LinkedHashMap<>();
    list.forEach(m -> byId.put(m.id(), m));
    for (String name : cluster.everyone()) {
      Member m = byId.get(FaultCluster.memberId(name));
      Role role = cluster.role(name);
      if (m == null && (role == Role.LEARNER || role == Role.VOTER)) {
        LOG.info("membership: reconcile: {} is no longer a member", name);
        count("reconciled removed");
        cluster.retire(name);
      } else if (m != null && role == Role.REMOVED) {
        LOG.info("membership: reconcile: {} was added after it was given up; removing it", name);
        count("reconciled late add");
        remove(name, false, new StringBuilder());
      } else if (m != null && !m.learner() && role == Role.LEARNER) {
        count("reconciled promoted");
        cluster.promoted(name);
      }
    }
  }

  private void disturb(Runnable undo, long holdMs) {
    undoNow();
    this.undo = undo;
    this.undoAtNs = System.nanoTime() + holdMs * 1_000_000L;
  }

  private void tick() {
    if (undo != null && System.nanoTime() - undoAtNs >= 0) {
      undoNow();
    }
  }

  private void undoNow() {
    Runnable u = undo;
    undo = null;
    if (u != null) {
      u.run();
    }
  }

  private static String first(List<String> names) {
    return names.isEmpty() ? null : names.get(0);
  }

  private static void pause(long ms) {
    await()
        .pollDelay(Duration.ofMillis(ms))
        .atMost(Duration.ofMillis(ms + 60_000))
        .until(() -> true);
  }
}
