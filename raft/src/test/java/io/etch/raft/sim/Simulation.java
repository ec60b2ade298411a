package io.etch.raft.sim;

import io.etch.raft.ConfState;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.ProposalDroppedException;
import io.etch.raft.RaftConfig;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.SnapshotStatus;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.storage.RaftStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic Raft cluster simulation: one seed drives the cluster shape, the configuration,
 * every network fault, crash, restart, membership change, leadership transfer, proposal and read.
 *
 * <p>A run has two phases. The chaos phase performs {@code steps} random events and checks the
 * {@link Invariants} after each. The liveness phase then heals everything (all links up, no loss,
 * crashed members restarted) and requires, within a bounded number of ticks, that a leader is
 * elected, that a proposal made to it commits, and that every member of the final configuration
 * applies it.
 *
 * <p>Every member handles each {@code Ready} in the order {@link io.etch.raft.Ready} documents;
 * crashes may strike between its phases, losing whatever was not persisted. With {@link
 * SimOptions#unsafeSendBeforePersist()} the order is broken on purpose.
 *
 * <p>Each member's durable storage comes from a {@link SimStorageFactory} ({@link
 * SimStorageFactory#memory()} by default); the harness never looks behind its {@link SimStorage}
 * interface, so a real storage engine runs under exactly the same faults and checks. SNAP messages
 * travel with what {@link SimStorage#shipSnapshot} returned when they were sent, as a transport
 * streams a snapshot file.
 */
public final class Simulation {
  /** The outcome of a successful run. */
  public record Result(
      long traceHash,
      long maxCommitted,
      long leaderTerm,
      int members,
      long readsServed,
      long proposalsAccepted,
      int leaderTerms,
      long snapshotsInstalled,
      long confChangesApplied,
      long restarts) {}

  private static final int ELECTION_TICKS = 10;

  /** Liveness bound: ticks to elect a leader and commit a probe once the network is healed. */
  public static final int LIVENESS_TICKS = 60 * ELECTION_TICKS;

  private final SimOptions opts;
  private final SimStorageFactory storage;
  private final SplittableRandom r;
  private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
  private final SimNetwork net = new SimNetwork();
  private final Invariants inv = new Invariants();
  private final RaftConfig.Builder template;
  private long now;
  private long nextId;
  private long nextRead;
  private long proposalsAccepted;
  private long proposalSeq;
  private final TreeMap<Long, SimNode.CrashPoint> pendingCrash = new TreeMap<>();
  private final List<Long> pendingKill = new ArrayList<>();

  /** What each SNAP message in flight carries besides itself (null entries are not kept). */
  private final IdentityHashMap<Message, byte[]> shippedSnapshots = new IdentityHashMap<>();

  /** A run on {@link SimStorageFactory#memory()}. */
  public Simulation(SimOptions opts) {
    this(opts, SimStorageFactory.memory());
  }

  /** A run whose members persist into storages made by {@code storage} (one factory per run). */
  public Simulation(SimOptions opts, SimStorageFactory storage) {
    this.opts = opts;
    this.storage = storage;
    this.r = new SplittableRandom(opts.seed());
    int[] voterChoices = {1, 2, 3, 3, 3, 4, 5, 5, 7};
    int voters = voterChoices[r.nextInt(voterChoices.length)];
    int learners = r.nextInt(3);
    boolean preVote = r.nextBoolean();
    boolean checkQuorum = r.nextBoolean();
    this.template =
        RaftConfig.builder(1)
            .electionTimeoutTicks(ELECTION_TICKS)
            .heartbeatIntervalTicks(1 + r.nextInt(2))
            .preVote(preVote)
            .checkQuorum(checkQuorum)
            .maxSizePerMsgBytes(64 + r.nextInt(512))
            .maxInflightMsgs(1 + r.nextInt(8))
            .maxInflightBytes(256 + r.nextInt(4096))
            .maxUncommittedEntriesBytes(4096 + r.nextInt(65536));
    long[] voterIds = new long[voters];
    long[] learnerIds = new long[learners];
    for (int i = 0; i < voters; i++) {
      voterIds[i] = i + 1;
    }
    for (int i = 0; i < learners; i++) {
      learnerIds[i] = voters + i + 1;
    }
    nextId = voters + learners + 1;
    ConfState initial = ConfState.of(voterIds, learnerIds);
    Snapshot boot =
        new Snapshot(
            new SnapshotMetadata(1, 1, initial),
            ByteBuffer.allocate(16).putLong(1).putLong(0).array());
    for (long id = 1; id < nextId; id++) {
      addNode(id, storage.bootstrap(id, boot));
    }
    net.dropPercent = r.nextInt(10);
    net.duplicatePercent = r.nextInt(5);
    net.maxDelayTicks = r.nextInt(4);
  }

  private SimNode addNode(long id, SimStorage s) {
    RaftConfig.Builder b = copyTemplate(id);
    SimNode n = new SimNode(id, s, b, r.split(), this::onRemoval);
    nodes.put(id, n);
    return n;
  }

  private RaftConfig.Builder copyTemplate(long id) {
    RaftConfig t = template.random(r.split()).build();
    return RaftConfig.builder(id)
        .electionTimeoutTicks(t.electionTimeoutTicks())
        .heartbeatIntervalTicks(t.heartbeatIntervalTicks())
        .preVote(t.preVote())
        .checkQuorum(t.checkQuorum())
        .maxSizePerMsgBytes(t.maxSizePerMsgBytes())
        .maxInflightMsgs(t.maxInflightMsgs())
        .maxInflightBytes(t.maxInflightBytes())
        .maxUncommittedEntriesBytes(t.maxUncommittedEntriesBytes());
  }

  /** Runs both phases, then closes every member's storage. */
  public Result run() {
    try {
      return runPhases();
    } finally {
      for (SimNode n : nodes.values()) {
        n.storage.close();
      }
    }
  }

  private Result runPhases() {
    try {
      for (int step = 0; step < opts.steps(); step++) {
        chaosStep();
        inv.checkAll(nodes.values());
      }
      return liveness();
    } catch (RuntimeException e) {
      throw new InvariantViolation(
          "seed "
              + opts.seed()
              + " failed at tick "
              + now
              + ": "
              + e.getMessage()
              + "\n  replay with: "
              + opts.replayCommand(),
          e);
    }
  }

  // ------------------------------------------------------------------ chaos phase

  private void chaosStep() {
    int dice = r.nextInt(100);
    if (dice < 45) {
      deliverOne();
    } else if (dice < 63) {
      tickAll();
    } else if (dice < 73) {
      propose();
    } else if (dice < 75) {
      partition();
    } else if (dice < 78) {
      net.heal();
      inv.trace(3, now, 0, 0);
    } else if (dice < 79) {
      crashRandom();
    } else if (dice < 84) {
      restartRandom();
    } else if (dice < 86) {
      changeMembership();
    } else if (dice < 87) {
      transferLeadership();
    } else if (dice < 91) {
      readIndex();
    } else if (dice < 93) {
      compactRandom();
    } else if (dice < 94) {
      net.dropPercent = r.nextInt(4) == 0 ? 30 : r.nextInt(10);
      net.duplicatePercent = r.nextInt(8);
      net.maxDelayTicks = r.nextInt(5);
    } else {
      deliverOne();
    }
  }

  private void deliverOne() {
    SimNetwork.InFlight f = net.pollDeliverable(now, r);
    if (f != null) {
      deliver(f.message());
    }
  }

  private static final boolean DEBUG = Boolean.getBoolean("etch.raft.debug");

  private void deliver(Message m) {
    if (DEBUG) {
      System.err.println("t" + now + " deliver " + m);
    }
    SimNode to = nodes.get(m.to());
    SimNode from = nodes.get(m.from());
    boolean lost = to == null || !to.alive || net.isBlocked(m.from(), m.to());
    inv.trace(lost ? 1 : 2, m.type().code(), m.from() << 16 | m.to(), m.term() * 31 + m.index());
    if (lost) {
      if (from != null && from.alive) {
        if (m.type() == MessageType.SNAP) {
          from.raw.reportSnapshot(m.to(), SnapshotStatus.FAILURE);
        } else if (r.nextInt(4) == 0) {
          from.raw.reportUnreachable(m.to());
        }
        drain(from);
      }
      return;
    }
    boolean snap = m.type() == MessageType.SNAP;
    if (snap) {
      to.storage.receiveSnapshot(m.snapshot().metadata(), shippedSnapshots.get(m));
    }
    to.raw.step(m);
    drain(to);
    if (snap && to.alive) {
      to.storage.discardReceivedSnapshot();
    }
    if (snap && from != null && from.alive) {
      from.raw.reportSnapshot(m.to(), SnapshotStatus.FINISHED);
      drain(from);
    }
  }

  private void send(Message m) {
    if (m.type() == MessageType.SNAP) {
      byte[] shipped = nodes.get(m.from()).storage.shipSnapshot(m.snapshot().metadata());
      if (shipped != null) {
        shippedSnapshots.put(m, shipped);
      }
    }
    boolean queued = net.send(m, now, r);
    if (!queued && m.type() == MessageType.SNAP) {
      SimNode from = nodes.get(m.from());
      if (from != null && from.alive) {
        from.raw.reportSnapshot(m.to(), SnapshotStatus.FAILURE);
      }
    }
  }

  private void drain(SimNode n) {
    if (!n.alive) {
      return;
    }
    SimNode.CrashPoint cp = pendingCrash.getOrDefault(n.id, SimNode.CrashPoint.NONE);
    boolean survived = n.drainReady(this::send, inv, opts.unsafeSendBeforePersist(), cp);
    if (!survived) {
      pendingCrash.remove(n.id);
      inv.trace(5, n.id, now, cp.ordinal());
    }
    processKills();
  }

  private void processKills() {
    while (!pendingKill.isEmpty()) {
      long id = pendingKill.remove(pendingKill.size() - 1);
      SimNode k = nodes.get(id);
      if (k != null && !k.killed) {
        k.killed = true;
        k.crash();
        inv.trace(19, id, now, 0);
      }
    }
  }

  private void tickAll() {
    now++;
    for (SimNode n : nodes.values()) {
      if (n.alive) {
        n.raw.tick();
        drain(n);
      }
    }
  }

  private List<SimNode> alive() {
    List<SimNode> out = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.alive) {
        out.add(n);
      }
    }
    return out;
  }

  private SimNode pick(List<SimNode> list) {
    return list.isEmpty() ? null : list.get(r.nextInt(list.size()));
  }

  private SimNode leader() {
    SimNode best = null;
    for (SimNode n : nodes.values()) {
      if (n.alive
          && n.raw.role() == StateRole.LEADER
          && (best == null || n.raw.term() > best.raw.term())) {
        best = n;
      }
    }
    return best;
  }

  private void propose() {
    SimNode target = r.nextInt(10) < 7 ? leader() : null;
    if (target == null) {
      target = pick(alive());
    }
    if (target == null) {
      return;
    }
    int count = 1 + (r.nextInt(4) == 0 ? r.nextInt(8) : 0);
    List<byte[]> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ByteBuffer b = ByteBuffer.allocate(8 + r.nextInt(48));
      b.putLong(++proposalSeq);
      batch.add(b.array());
    }
    try {
      target.raw.propose(batch);
      proposalsAccepted += count;
      inv.trace(23, target.id, proposalSeq, count);
    } catch (ProposalDroppedException e) {
      inv.trace(29, target.id, e.reason().ordinal(), e.leaderId());
    }
    drain(target);
  }

  private void partition() {
    List<Long> ids = new ArrayList<>(nodes.keySet());
    if (ids.size() < 2) {
      return;
    }
    List<Long> side = new ArrayList<>();
    for (long id : ids) {
      if (r.nextBoolean()) {
        side.add(id);
      }
    }
    boolean asymmetric = r.nextInt(3) == 0;
    for (long a : side) {
      for (long b : ids) {
        if (side.contains(b)) {
          continue;
        }
        net.block(a, b);
        if (!asymmetric) {
          net.block(b, a);
        }
      }
    }
    inv.trace(31, side.hashCode(), asymmetric ? 1 : 0, now);
  }

  private void crashRandom() {
    SimNode n = pick(alive());
    if (n == null) {
      return;
    }
    if (r.nextInt(100) < opts.crashMidReadyPercent()) {
      // strike in the middle of the next Ready
      pendingCrash.put(
          n.id,
          r.nextBoolean() ? SimNode.CrashPoint.AFTER_EARLY_SEND : SimNode.CrashPoint.AFTER_PERSIST);
      return;
    }
    n.crash();
    inv.trace(37, n.id, now, 0);
  }

  private void restartRandom() {
    List<SimNode> down = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (!n.alive && !n.killed) {
        down.add(n);
      }
    }
    SimNode n = pick(down);
    if (n == null) {
      return;
    }
    restart(n);
  }

  private void restart(SimNode n) {
    n.start();
    inv.onRestart(n, n.log().initialState().hardState().commit());
    inv.trace(41, n.id, now, n.raw.commitIndex());
    drain(n);
  }

  private void changeMembership() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    ConfState cs = l.confState;
    long[] voters = cs.voters();
    long[] learners = cs.learners();
    ConfChange cc;
    boolean fresh = false;
    int kind = r.nextInt(5);
    if (kind == 0 && nodes.size() < 10) {
      cc = ConfChange.addLearner(nextId);
      fresh = true;
    } else if (kind == 1 && voters.length < 7 && nodes.size() < 10) {
      cc = ConfChange.addVoter(nextId);
      fresh = true;
    } else if (kind == 2 && learners.length > 0 && voters.length < 7) {
      cc = ConfChange.addVoter(learners[r.nextInt(learners.length)]);
    } else if (kind == 3 && voters.length > 1) {
      cc = ConfChange.remove(voters[r.nextInt(voters.length)]);
    } else if (kind == 4 && learners.length > 0) {
      cc = ConfChange.remove(learners[r.nextInt(learners.length)]);
    } else {
      return;
    }
    try {
      l.raw.proposeConfChange(cc);
      inv.trace(43, cc.type().ordinal(), cc.nodeId(), now);
      if (fresh) {
        long id = nextId++;
        addNode(id, storage.joining(id));
      }
    } catch (ProposalDroppedException e) {
      inv.trace(47, e.reason().ordinal(), cc.nodeId(), now);
    }
    drain(l);
  }

  /**
   * Called by members applying a change: a removed member is stopped for good once a remaining
   * voter has applied its removal (as an operator would), not earlier: until then its vote may
   * still be needed by members that have not learnt the change is committed. The applier first
   * makes its log durable ({@link SimStorage#flush()}): a voter that forgot in a crash that the
   * removal was committed would otherwise need the stopped member's vote to commit it again.
   */
  void onRemoval(SimNode applier, long removed) {
    if (applier.id != removed && applier.confState.voters().length > 0) {
      for (long v : applier.confState.voters()) {
        if (v == applier.id) {
          applier.storage.flush();
          pendingKill.add(removed);
          return;
        }
      }
    }
  }

  private void transferLeadership() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    long[] voters = l.confState.voters();
    if (voters.length < 2) {
      return;
    }
    long target = voters[r.nextInt(voters.length)];
    try {
      l.raw.transferLeadership(target);
      inv.trace(53, l.id, target, now);
    } catch (ProposalDroppedException e) {
      inv.trace(59, l.id, target, e.reason().ordinal());
    }
    drain(l);
  }

  private void readIndex() {
    SimNode n = pick(alive());
    if (n == null) {
      return;
    }
    byte[] ctx = ByteBuffer.allocate(8).putLong(++nextRead).array();
    inv.onReadRequested(ctx);
    try {
      n.raw.readIndex(ctx);
    } catch (ProposalDroppedException e) {
      inv.trace(61, n.id, e.reason().ordinal(), now);
    }
    drain(n);
  }

  private void compactRandom() {
    SimNode n = pick(alive());
    if (n != null) {
      n.compact(r.nextInt(6));
      inv.trace(67, n.id, n.log().firstIndex(), now);
    }
  }

  // ------------------------------------------------------------------ liveness phase

  private Result liveness() {
    net.heal();
    net.dropPercent = 0;
    net.duplicatePercent = 0;
    net.maxDelayTicks = 0;
    pendingCrash.clear();
    for (SimNode n : nodes.values()) {
      if (!n.alive && !n.killed) {
        restart(n);
      }
    }
    long deadline = now + LIVENESS_TICKS;
    SimNode leader = null;
    long probeIndex = -1;
    String lastDrop = null;
    long leaderTerm = -1;
    while (now < deadline) {
      orderlyTick();
      SimNode l = leader();
      if (l == null) {
        continue;
      }
      if (leader != l || leaderTerm != l.raw.term()) {
        // a new leadership (possibly the same member in a later term) may have lost the probe
        leader = l;
        leaderTerm = l.raw.term();
        probeIndex = -1;
      }
      if (probeIndex < 0) {
        try {
          l.raw.propose(ByteBuffer.allocate(8).putLong(-1).array());
          probeIndex = l.raw.lastIndex();
          proposalsAccepted++;
        } catch (ProposalDroppedException e) {
          lastDrop = e.getMessage();
          continue;
        }
        drain(l);
        continue;
      }
      if (allMembersApplied(l, probeIndex)) {
        inv.checkAll(nodes.values());
        return new Result(
            inv.traceHash(),
            inv.maxCommitted(),
            l.raw.term(),
            l.confState.voters().length + l.confState.learners().length,
            inv.readsServed(),
            proposalsAccepted,
            inv.leaderTerms(),
            inv.snapshotsInstalled,
            inv.confChangesApplied,
            inv.restarts);
      }
    }
    StringBuilder s =
        new StringBuilder("liveness: no leader committed and spread a proposal within ");
    s.append(LIVENESS_TICKS).append(" ticks after healing; last probe refusal: ").append(lastDrop);
    for (SimNode n : nodes.values()) {
      s.append("\n    ").append(n.id);
      if (n.alive) {
        s.append(' ').append(n.raw.status());
        s.append(" last=").append(n.raw.lastIndex()).append(" lastTerm=");
        s.append(n.raw.termAt(n.raw.lastIndex()));
        RaftStorage log = n.log();
        long lo = Math.max(log.firstIndex(), log.lastIndex() - 3);
        for (io.etch.raft.Entry e : log.entries(lo, log.lastIndex() + 1, 1 << 20)) {
          s.append("\n      ").append(e);
          if (e.type() == io.etch.raft.EntryType.CONF_CHANGE) {
            s.append(io.etch.raft.conf.ConfChangeCodec.decode(e.data()));
          }
        }
      } else {
        s.append(n.killed ? " killed" : " down");
      }
    }
    throw new InvariantViolation(s.toString());
  }

  private boolean allMembersApplied(SimNode l, long index) {
    if (l.raw.appliedIndex() < index) {
      return false;
    }
    ConfState cs = l.confState;
    for (long id : cs.voters()) {
      if (!appliedAtLeast(id, index)) {
        return false;
      }
    }
    for (long id : cs.learners()) {
      if (!appliedAtLeast(id, index)) {
        return false;
      }
    }
    return true;
  }

  private boolean appliedAtLeast(long id, long index) {
    SimNode n = nodes.get(id);
    return n == null || n.killed || (n.alive && n.raw.appliedIndex() >= index);
  }

  private void orderlyTick() {
    now++;
    for (SimNode n : nodes.values()) {
      if (n.alive) {
        n.raw.tick();
        drain(n);
      }
    }
    for (int i = 0; i < 100_000; i++) {
      SimNetwork.InFlight f = net.pollFirstDue(now);
      if (f == null) {
        break;
      }
      deliver(f.message());
    }
    inv.checkAll(nodes.values());
  }
}
