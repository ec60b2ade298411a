package io.etch.faults;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.cluster.MemberIds;
import io.etch.maintenance.StatusResponse;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N members on loopback behind a {@link FaultNetwork}, each on a {@link CrashableFileSystem}. Every
 * member listens on its real address and advertises its proxy ({@code peerAdvertise}); the {@code
 * initialCluster} names the proxies, and so does the replicated membership; so every byte between
 * members crosses the fault network, also after a member learns the addresses from a snapshot.
 *
 * <p>Members can be crashed (unsynced writes lost, then restarted on what survived), closed
 * gracefully (a leader hands leadership over first) and restarted. {@link #node(String)} is the
 * running instance or null while the member is down.
 *
 * <p>The member set changes during a run: {@link #join()} creates a member with the next name (a
 * fresh id: a removed id never comes back), its own directory, storage and proxy, built with {@code
 * joinExisting}; {@link #admitted}, {@link #promoted} and {@link #retire} follow the membership
 * changes the caller made ({@link MembershipFaults}). {@link #names()} is the current membership
 * (learners and voters), {@link #everyone()} every member that ever lived. A retired member is
 * closed and never restarted; its directory is left alone.
 *
 * <p>Thread-safe for the callers the suite has: one nemesis thread changes members, client threads
 * read {@link #names()} and {@link #node}.
 */
final class FaultCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultCluster.class);
  static final Duration HEARTBEAT = Duration.ofMillis(50);
  static final Duration ELECTION = Duration.ofMillis(500);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  static final String TOKEN = "etch-faults";

  private final Path root;
  private final long seed;
  private final long snapshotCount;
  final FaultNetwork network;

  /** Where a member stands in the membership, as the harness knows it. */
  enum Role {
    /** Built with {@code joinExisting} and started; its {@code addMember} is not known to apply. */
    JOINING,
    LEARNER,
    VOTER,
    /** Removed from the membership (or a joiner given up): closed, its directory left alone. */
    REMOVED
  }

  /** One member that ever lived in the run; a removed one's name and id are never reused. */
  private static final class Member {
    final String name;
    final PeerAddress real;
    final PeerAddress proxied;
    final boolean joined;
    volatile CrashableFileSystem storage;
    volatile Role role;

    Member(String name, PeerAddress real, PeerAddress proxied, boolean joined, Role role) {
      this.name = name;
      this.real = real;
      this.proxied = proxied;
      this.joined = joined;
      this.role = role;
    }
  }

  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<String, PeerAddress> initialCluster = new LinkedHashMap<>();
  private final Map<String, EtcdNode> running = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<EtcdNode>> starts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Every instance built and not yet closed, so that {@link #close()} closes them all. */
  private final List<EtcdNode> all = new ArrayList<>();

  private final Object upMonitor = new Object();
  private int crashes;

  FaultCluster(Path root, int size, long seed, long snapshotCount) {
    this.root = root;
    this.seed = seed;
    this.snapshotCount = snapshotCount;
    this.network = new FaultNetwork(seed);
    for (int i = 1; i <= size; i++) {
      Member m = newMember("m" + i, false, Role.VOTER);
      initialCluster.put(m.name, m.proxied);
    }
  }

  private Member newMember(String name, boolean joined, Role role) {
    Member m =
        new Member(
            name,
            new PeerAddress("127.0.0.1", freePort()),
            new PeerAddress("127.0.0.1", freePort()),
            joined,
            role);
    network.addMember(name, raftId(name), m.proxied, m.real);
    m.storage =
        new CrashableFileSystem(
            new FaultInjectingFileSystem(seed * 31 + name.hashCode()), root.resolve(name));
    synchronized (members) {
      members.put(name, m);
    }
    return m;
  }

  private Member member(String name) {
    synchronized (members) {
      Member m = members.get(name);
      if (m == null) {
        throw new IllegalArgumentException("no member " + name);
      }
      return m;
    }
  }

  static long raftId(String name) {
    long id = MemberIds.memberId(TOKEN, name) & Long.MAX_VALUE;
    return id == 0 ? 1 : id;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The current members (learners and voters), in the order they were created. */
  List<String> names() {
    List<String> out = new ArrayList<>();
    synchronized (members) {
      for (Member m : members.values()) {
        if (m.role == Role.LEARNER || m.role == Role.VOTER) {
          out.add(m.name);
        }
      }
    }
    return out;
  }

  /** Every member that ever lived in the run, removed ones and given-up joiners too. */
  List<String> everyone() {
    synchronized (members) {
      return List.copyOf(members.keySet());
    }
  }

  List<String> withRole(Role role) {
    List<String> out = new ArrayList<>();
    synchronized (members) {
      for (Member m : members.values()) {
        if (m.role == role) {
          out.add(m.name);
        }
      }
    }
    return out;
  }

  Role role(String name) {
    return member(name).role;
  }

  /** True for a member that joined during the run (not one of the initial cluster). */
  boolean joined(String name) {
    return member(name).joined;
  }

  PeerAddress advertised(String name) {
    return member(name).proxied;
  }

  static long memberId(String name) {
    return MemberIds.memberId(TOKEN, name);
  }

  private EtcdNode build(String name) {
    Member m = member(name);
    EtcdNode.Builder b =
        EtcdNode.builder()
            .memberName(name)
            .clusterToken(TOKEN)
            .dataDir(root.resolve(name))
            .peerListen(m.real)
            .peerAdvertise(m.proxied)
            .heartbeatInterval(HEARTBEAT)
            .electionTimeout(ELECTION)
            .requestTimeout(REQUEST_TIMEOUT)
            .snapshotCount(snapshotCount)
            .storageFileSystem(m.storage);
    if (m.joined) {
      // validated, never dialled: the cluster contacts the joiner
      List<PeerAddress> others = new ArrayList<>();
      for (String other : names()) {
        if (!other.equals(name)) {
          others.add(member(other).proxied);
        }
      }
      b.joinExisting(others.isEmpty() ? List.copyOf(initialCluster.values()) : others);
    } else {
      b.initialCluster(initialCluster);
    }
    return b.build();
  }

  /** Starts every member and waits until each knows a leader. */
  FaultCluster start() {
    List<CompletableFuture<EtcdNode>> started = new ArrayList<>();
    for (String name : names()) {
      EtcdNode n = build(name);
      synchronized (all) {
        all.add(n);
      }
      started.add(n.start());
      running.put(name, n);
    }
    for (var f : started) {
      f.orTimeout(60, TimeUnit.SECONDS).join();
    }
    return this;
  }

  /** The running instance of {@code name}, or null while it is down. */
  EtcdNode node(String name) {
    return running.get(name);
  }

  boolean isUp(String name) {
    return running.containsKey(name);
  }

  List<String> upMembers() {
    List<String> up = new ArrayList<>();
    for (String n : names()) {
      if (running.containsKey(n)) {
        up.add(n);
      }
    }
    return up;
  }

  /** The member a running member reports as leader (asked in order), or null. */
  String leader() {
    for (String name : upMembers()) {
      EtcdNode n = running.get(name);
      if (n == null) {
        continue;
      }
      try {
        StatusResponse s = n.maintenance().status().get(1, TimeUnit.SECONDS);
        if (s.isLeader()) {
          return name;
        }
      } catch (Exception e) {
        // a member closing under us; ask the next one
      }
    }
    return null;
  }

  StatusResponse status(String name) {
    EtcdNode n = running.get(name);
    try {
      return n == null ? null : n.maintenance().status().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Crashes {@code name}: cuts it off the network (and waits until nothing it sends from now on can
   * be forwarded), loses every write its storage did not sync, then stops the ghost. The member
   * stays down until {@link #restart}.
   */
  void crash(String name, CrashMode mode) {
    crash(List.of(name), mode);
  }

  /**
   * Crashes every member of {@code names} at the same instant (a power outage when it is all of
   * them): all are cut off first, then every storage loses what it did not sync, then the ghosts
   * are stopped.
   */
  void crash(List<String> names, CrashMode mode) {
    List<EtcdNode> ghosts = new ArrayList<>();
    List<String> crashed = new ArrayList<>();
    for (String name : names) {
      EtcdNode ghost = running.remove(name);
      if (ghost != null) {
        ghosts.add(ghost);
        crashed.add(name);
        network.isolate(name);
      }
    }
    network.barrier();
    List<CrashableFileSystem> dead = new ArrayList<>();
    for (String name : crashed) {
      Member m = member(name);
      CrashableFileSystem before = m.storage;
      m.storage = before.crash(mode);
      dead.add(before);
      crashes++;
    }
    // the ghosts close while their storage blocks them (a leader's hand-over cannot happen: its
    // raft thread is stuck), then the storage lets them fail and finish
    List<Thread> closers = new ArrayList<>();
    for (EtcdNode ghost : ghosts) {
      Thread t = new Thread(ghost::close, "fault-close-" + ghost.config().memberName());
      t.start();
      closers.add(t);
    }
    await().pollDelay(ELECTION.plusMillis(300)).atMost(Duration.ofSeconds(60)).until(() -> true);
    dead.forEach(CrashableFileSystem::release);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> closers.stream().noneMatch(Thread::isAlive));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "seed " + seed + ": crashed " + crashed + " did not finish closing:" + stacks(crashed),
          e);
    }
    forget(ghosts);
  }

  /** The stacks of the threads working for {@code members} (closers and node threads). */
  static String stacks(List<String> members) {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              String n = t.getName();
              boolean ours =
                  members.stream()
                      .anyMatch(
                          m ->
                              n.equals("fault-close-" + m)
                                  || n.endsWith("-" + m)
                                  || n.contains("-" + m + "-"));
              if (ours || n.startsWith("etch-transport-")) {
                out.append("\n\"").append(n).append("\" ").append(t.getState());
                for (StackTraceElement e : stack) {
                  out.append("\n    at ").append(e);
                }
              }
            });
    return out.toString();
  }

  /**
   * Drops closed instances, so that their stores and in-memory files can be collected (a run
   * creates many members and crashed copies of their storage).
   */
  private void forget(List<EtcdNode> closed) {
    synchronized (all) {
      all.removeAll(closed);
    }
  }

  /** Closes {@code name} as an operator would (a leader hands over first). */
  void stop(String name) {
    EtcdNode n = running.remove(name);
    if (n != null) {
      n.close();
      forget(List.of(n));
    }
  }

  /**
   * Starts {@code name} again on its data directory and storage; does not wait for a leader. A
   * removed member stays down.
   */
  void restart(String name) {
    Member m = member(name);
    if (running.containsKey(name) || m.role == Role.REMOVED) {
      return;
    }
    m.storage.remirror();
    network.rejoin(name);
    launch(name);
  }

  private CompletableFuture<EtcdNode> launch(String name) {
    EtcdNode n = build(name);
    synchronized (all) {
      all.add(n);
    }
    CompletableFuture<EtcdNode> started =
        n.start()
            .whenComplete(
                (ok, error) -> {
                  if (error != null && running.get(name) == n) {
                    LOG.error("member {} did not start", name, error);
                  }
                });
    running.put(name, n);
    starts.put(name, started);
    synchronized (upMonitor) {
      upMonitor.notifyAll();
    }
    return started;
  }

  /**
   * Creates a new member (a fresh name and id, its own data directory on a {@link
   * CrashableFileSystem}, its own proxy) built with {@code joinExisting} and starts it; it stays
   * {@link Role#JOINING} (not in {@link #names()}) until {@link #admitted}; {@link #started} tells
   * when it has joined (see {@code EtcdNode.start}). Returns its name.
   */
  String join() {
    String name;
    synchronized (members) {
      name = "m" + (members.size() + 1);
    }
    newMember(name, true, Role.JOINING);
    launch(name);
    return name;
  }

  /** True when the running instance of {@code name} has started (knows a leader, has joined). */
  boolean started(String name) {
    CompletableFuture<EtcdNode> f = starts.get(name);
    return running.containsKey(name) && f != null && f.isDone() && !f.isCompletedExceptionally();
  }

  /** The membership includes {@code name} as a learner: clients and faults may use it now. */
  void admitted(String name) {
    Member m = member(name);
    if (m.role == Role.JOINING) {
      m.role = Role.LEARNER;
    }
  }

  void promoted(String name) {
    Member m = member(name);
    if (m.role == Role.LEARNER) {
      m.role = Role.VOTER;
    }
  }

  /**
   * {@code name} is out of the membership (removed, or a joiner given up): it leaves {@link
   * #names()} and is closed; its data directory stays.
   */
  void retire(String name) {
    Member m = member(name);
    m.role = Role.REMOVED;
    EtcdNode n = running.remove(name);
    if (n != null) {
      n.close();
      forget(List.of(n));
    }
    starts.remove(name);
    // its in-memory files are never read again (it never restarts): let them be collected
    m.storage = null;
  }

  /** Blocks (on a condition, at most {@code maxMs}) while no member is up. */
  void awaitAnyUp(long maxMs) throws InterruptedException {
    long deadline = System.nanoTime() + maxMs * 1_000_000L;
    synchronized (upMonitor) {
      while (running.isEmpty() && System.nanoTime() - deadline < 0) {
        upMonitor.wait(Math.max(1, maxMs));
      }
    }
  }

  CrashableFileSystem storage(String name) {
    return member(name).storage;
  }

  int crashes() {
    return crashes;
  }

  long seed() {
    return seed;
  }

  @Override
  public void close() {
    List<EtcdNode> toClose;
    synchronized (all) {
      toClose = new ArrayList<>(all);
    }
    running.clear();
    for (EtcdNode n : toClose) {
      n.close();
    }
    network.close();
  }
}
