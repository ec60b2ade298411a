package io.etch.internal.node;

import io.etch.Clock;
import io.etch.NoLeaderException;
import io.etch.RequestTimeoutException;
import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.ProgressStatus;
import io.etch.raft.ProposalDroppedException;
import io.etch.raft.RawNode;
import io.etch.raft.Ready;
import io.etch.raft.SnapshotStatus;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.read.ReadState;
import io.etch.storage.mvcc.MvccView;
import io.etch.transport.Inbound;
import io.etch.transport.PeerTransport;
import io.etch.transport.SnapshotCallback;
import io.etch.transport.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft owner thread's agent: the only code that touches this member's {@link RawNode}.
 *
 * <h2>Duty cycle</h2>
 *
 * <ol>
 *   <li>If the applier's queue was full when the last {@code Ready} was handed over, try again (the
 *       Ready is not advanced until the applier has it; Raft keeps stepping meanwhile).
 *   <li>Drain the bounded inbound queue: peer messages (offered by Netty threads), proposals and
 *       read requests (offered by user threads), unreachable reports. The user proposals drained
 *       are proposed to Raft as one batch after the drain. Every offer wakes this thread if it is
 *       parked ({@link WakeableIdleStrategy}), and every batch handed over wakes the applier.
 *   <li>Tick when the injected clock passed the next tick (one tick per heartbeat interval); on a
 *       tick, re-propose proposals not yet applied, retry reads, and time out overdue requests.
 *   <li>Send a read-index request for the reads that arrived since the last one: concurrent reads
 *       share one request, whose context (member id, counter) is unique in the cluster; at most
 *       {@link #MAX_READ_ROUNDS} are outstanding ({@link ReadRounds}).
 *   <li>Process a {@code Ready} in the durability order: send {@code messagesBeforePersist},
 *       persist entries and hard state (syncing once), send {@code messagesAfterPersist}, apply
 *       membership changes to Raft, hand committed entries and confirmed reads to the applier,
 *       {@code advance}. Committed entries already durable here (the leader's, always) go to the
 *       applier before the persist instead, so their apply and answers overlap the sync of the
 *       entries proposed since ({@link #appliesBeforePersist}).
 * </ol>
 *
 * <h2>Snapshots</h2>
 *
 * It takes the snapshots the applier asks for ({@link TakeSnapshot}: an immutable store view and
 * the dedup/alarm bytes) through {@link Snapshots}: the file is written on the node's snapshot
 * thread, and only recorded (WAL marker) and compacted behind here, so this thread never waits on
 * snapshot I/O; it streams the current snapshot file with every SNAP message the core emits
 * (outcome reported back with {@code reportSnapshot}); and it installs a snapshot the leader
 * streamed (the file the transport hands {@link #onSnapshot}) with the Ready that carries it,
 * passing its state machine stream to the applier in that Ready's batch.
 *
 * <h2>Re-proposal and at-most-once</h2>
 *
 * A proposal forwarded to a leader that then loses leadership may be dropped silently, or may still
 * commit. The owner re-proposes every pending proposal once per election timeout until this member
 * applies it (or it times out); the applier's dedup table applies a request id at most once, so a
 * proposal committed twice changes the store once.
 */
final class RaftOwner implements Agent, Inbound {
  private static final Logger LOG = LoggerFactory.getLogger(RaftOwner.class);
  private static final int MAX_COMMANDS_PER_CYCLE = 4096;

  /** The longest the owner thread parks: how late it notices a tick or a full applier freeing. */
  static final long MAX_PARK_NS = 1_000_000;

  /** Something for the owner thread to do; created on any thread, executed on the owner. */
  interface Command {
    void execute(RaftOwner owner);
  }

  private record Step(Message message) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      if (owner.stepGuard.test(owner.node, message)) {
        owner.node.step(message);
      }
    }
  }

  private record Unreachable(long memberId) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.node.reportUnreachable(memberId);
    }
  }

  /** A proposal a user submitted. */
  record Propose(PendingProposal proposal) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.inflight.add(proposal);
      if (proposal.confChange) {
        owner.propose(proposal);
      } else {
        owner.batch.add(proposal);
      }
    }
  }

  /**
   * An internal proposal nobody waits for (a lease revoke or checkpoint of the leader's lessor):
   * proposed only while this member leads — never forwarded, so a deposed leader's decision is
   * dropped — and never retried here (the lessor hands the lease out again if it is lost).
   */
  record ProposeIfLeader(byte[] payload) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      if (owner.node.role() == StateRole.LEADER) {
        try {
          owner.node.propose(payload);
        } catch (ProposalDroppedException e) {
          LOG.debug("member {} dropped an internal proposal: {}", owner.roleName, e.reason());
        }
      }
    }
  }

  /** A linearizable read a user submitted. */
  record Read(PendingRead read) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.reads.add(read);
    }
  }

  /**
   * Close of a leader: hand leadership to the most up-to-date voter first; {@code done} completes
   * (on the owner thread) once this member no longer leads, or at once when it does not lead.
   */
  record HandOver(CompletableFuture<Void> done) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.handOver(done);
    }
  }

  /** The applier's request to snapshot {@code view} (the store as of {@code index}). */
  record TakeSnapshot(long index, MvccView view, byte[] extra) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.takeSnapshot(index, view, extra);
    }
  }

  private record ReceivedSnapshot(Message message, Path file) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.receivedSnapshot(message, file);
    }
  }

  private record SnapshotReport(long peerId, SnapshotStatus status) implements Command {
    @Override
    public void execute(RaftOwner owner) {
      owner.node.reportSnapshot(peerId, status);
    }
  }

  private final String roleName;
  private final long memberId;
  private final RawNode node;
  private final RaftLogStore log;
  private final Applier applier;
  private final NodeState state;
  private final Clock clock;
  private final long tickNs;
  private final int retryTicks;
  private final Duration requestTimeout;
  private final Executor callbacks;
  private final PendingRegistry pending;
  private final ManyToOneConcurrentArrayQueue<Command> inbox;
  private final ConfHistory confs;
  private final WakeableIdleStrategy idle =
      new WakeableIdleStrategy(WakeableIdleStrategy.MIN_PARK_NS, MAX_PARK_NS);
  private WakeableIdleStrategy applierIdle;
  private PeerTransport transport;
  private java.util.function.Consumer<RawNode> tickHook = n -> {};
  private java.util.function.BiPredicate<RawNode, Message> stepGuard = (n, m) -> true;
  private Snapshots snapshots;
  private Runnable onLeaderKnown;

  private final ArrayList<PendingProposal> inflight = new ArrayList<>();

  /** The user proposals drained in this cycle, proposed to Raft as one batch after the drain. */
  private final ArrayList<PendingProposal> batch = new ArrayList<>();

  private final ArrayList<byte[]> batchPayloads = new ArrayList<>();

  /** Read-index requests outstanding at once (see {@link ReadRounds}). */
  static final int MAX_READ_ROUNDS = 2;

  private final ReadRounds reads;
  private final ReadRounds.ReadIndexRequests readIndexRequests;

  private CompletableFuture<Void> handOverDone;
  private Path receivedSnapshotFile;
  private final SnapshotCallback snapshotCallback =
      new SnapshotCallback() {
        @Override
        public void onSent(Message snapMessage) {
          enqueue(new SnapshotReport(snapMessage.to(), SnapshotStatus.FINISHED));
        }

        @Override
        public void onFailed(Message snapMessage, TransportException cause) {
          LOG.info(
              "member {}: snapshot to {} failed: {}",
              roleName,
              snapMessage.to(),
              cause.getMessage());
          enqueue(new SnapshotReport(snapMessage.to(), SnapshotStatus.FAILURE));
        }
      };
  private Ready held;
  private ApplyBatch heldBatch;
  private long ticks;
  private long nextTickNs;

  RaftOwner(
      String memberName,
      RawNode node,
      RaftLogStore log,
      Applier applier,
      NodeState state,
      Clock clock,
      Duration heartbeatInterval,
      int electionTimeoutTicks,
      Duration requestTimeout,
      Executor callbacks,
      PendingRegistry pending,
      int inboxCapacity,
      Runnable onLeaderKnown) {
    this.onLeaderKnown = onLeaderKnown;
    this.roleName = "etch-raft-" + memberName;
    this.memberId = node.id();
    this.node = node;
    this.log = log;
    this.applier = applier;
    this.state = state;
    this.clock = clock;
    this.tickNs = heartbeatInterval.toNanos();
    this.retryTicks = electionTimeoutTicks;
    this.requestTimeout = requestTimeout;
    this.callbacks = callbacks;
    this.pending = pending;
    this.inbox = new ManyToOneConcurrentArrayQueue<>(inboxCapacity);
    this.confs = new ConfHistory(0, node.status().confState());
    this.reads =
        new ReadRounds(
            memberId, MAX_READ_ROUNDS, electionTimeoutTicks, pending, callbacks, requestTimeout);
    this.readIndexRequests = node::readIndex;
  }

  /** Set once, before the owner thread starts. */
  void transport(PeerTransport transport) {
    this.transport = transport;
  }

  /** Set once, before the owner thread starts: called on every tick (leadership moves). */
  void tickHook(java.util.function.Consumer<RawNode> hook) {
    this.tickHook = hook;
  }

  /**
   * Set once, before the owner thread starts: decides whether a peer message is stepped (the
   * leader's membership checks on forwarded membership changes).
   */
  void stepGuard(java.util.function.BiPredicate<RawNode, Message> guard) {
    this.stepGuard = guard;
  }

  /** Owner thread only: the raft core, for commands that inspect it (membership checks). */
  RawNode raft() {
    return node;
  }

  /** Any thread: false when the inbound queue is full. */
  boolean submit(Command command) {
    return enqueue(command);
  }

  /** Queues a command and wakes the owner thread if it is parked. */
  private boolean enqueue(Command command) {
    if (!inbox.offer(command)) {
      return false;
    }
    idle.wake();
    return true;
  }

  /** The owner thread's idle strategy: parks that {@link #submit} and peer messages end. */
  IdleStrategy idleStrategy() {
    return idle;
  }

  /** Set once, before the threads start: woken when a batch is handed to the applier. */
  void applierIdle(WakeableIdleStrategy applierIdle) {
    this.applierIdle = applierIdle;
  }

  @Override
  public boolean offer(Message message) {
    return enqueue(new Step(message));
  }

  @Override
  public void onSnapshot(Message snapMessage, Path receivedFile) {
    if (!enqueue(new ReceivedSnapshot(snapMessage, receivedFile))) {
      deleteQuietly(receivedFile); // the leader sends it again
    }
  }

  private void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("member {} could not delete {}", roleName, file, e);
    }
  }

  private void receivedSnapshot(Message message, Path file) {
    try {
      log.verifyReceived(message.snapshot().metadata(), file);
    } catch (RuntimeException e) {
      // a damaged or mismatched transfer: Raft never sees it, and the leader, hearing nothing,
      // probes and sends a snapshot again
      LOG.warn(
          "member {}: dropped a snapshot received from {}: {}",
          roleName,
          message.from(),
          e.getMessage());
      deleteQuietly(file);
      return;
    }
    if (receivedSnapshotFile != null) {
      deleteQuietly(receivedSnapshotFile);
    }
    receivedSnapshotFile = file;
    node.step(message);
  }

  private void takeSnapshot(long index, MvccView view, byte[] extra) {
    // membership changes are applied here when handed to the applier, ahead of the snapshot index
    snapshots.take(index, confs.asOf(index), view, extra);
  }

  /** Set once, before the owner thread starts: where snapshot files are written. */
  void snapshots(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /** Netty thread: a connection to {@code peerId} failed. */
  void onUnreachable(long peerId) {
    enqueue(new Unreachable(peerId));
  }

  @Override
  public void onStart() {
    nextTickNs = clock.nanoTime() + tickNs;
    publish();
  }

  @Override
  public String roleName() {
    return roleName;
  }

  @Override
  public void onClose() {
    if (receivedSnapshotFile != null) {
      deleteQuietly(receivedSnapshotFile);
    }
  }

  @Override
  public int doWork() {
    int work = 0;
    if (held != null && handOff()) {
      work++;
    }
    work += inbox.drain(command -> command.execute(this), MAX_COMMANDS_PER_CYCLE);
    if (!batch.isEmpty()) {
      proposeBatch();
    }
    long now = clock.nanoTime();
    if (now - nextTickNs >= 0) {
      node.tick();
      ticks++;
      nextTickNs = Math.max(nextTickNs + tickNs, now - tickNs);
      onTick(now);
      tickHook.accept(node);
      state.metrics.onTick(now);
      publish();
      work++;
    }
    if (reads.issue(ticks, readIndexRequests)) {
      work++;
    }
    if (held == null && node.hasReady()) {
      processReady();
      work++;
    }
    return work;
  }

  private void processReady() {
    Ready rd = node.ready();
    send(rd.messagesBeforePersist());
    List<ReadBarrier> barriers = new ArrayList<>(rd.readStates().size());
    for (ReadState rs : rd.readStates()) {
      List<PendingRead> confirmed = reads.confirmed(rs);
      if (confirmed != null) {
        barriers.add(new ReadBarrier(rs.index(), confirmed));
      }
    }
    boolean appliedEarly = false;
    if (appliesBeforePersist(rd)) {
      appliedEarly = applier.offer(new ApplyBatch(null, rd.committedEntries(), barriers));
      if (appliedEarly && applierIdle != null) {
        applierIdle.wake();
      }
    }
    SnapshotInstall install = null;
    long persistStartNs = clock.nanoTime();
    if (rd.snapshot() != null && !rd.snapshot().isEmpty()) {
      if (receivedSnapshotFile == null) {
        throw new IllegalStateException(
            "Ready carries snapshot " + rd.snapshot() + " but no snapshot file was received");
      }
      log.persist(rd, receivedSnapshotFile);
      receivedSnapshotFile = null;
      confs.reset(rd.snapshot().metadata().index(), rd.snapshot().metadata().confState());
      install =
          new SnapshotInstall(rd.snapshot().metadata().index(), log.openSnapshotStateMachine());
    } else {
      log.persist(rd);
    }
    if (rd.mustSync() || install != null) {
      state.metrics.walSynced(clock.nanoTime() - persistStartNs);
    }
    send(rd.messagesAfterPersist());
    List<Entry> committed = rd.committedEntries();
    for (Entry e : committed) {
      if (e.type() == EntryType.CONF_CHANGE) {
        // the learner flag is published by the applier with the replicated membership
        ConfState conf = node.applyConfChange(ConfChangeCodec.decode(e.data()));
        confs.changed(e.index(), conf);
        state.metrics.membershipChanged(e.index(), conf.voters(), conf.learners());
      }
    }
    held = rd;
    heldBatch =
        appliedEarly
            ? new ApplyBatch(null, List.of(), List.of())
            : new ApplyBatch(install, committed, barriers);
    handOff();
    publish();
  }

  /**
   * Whether {@code rd}'s committed entries may go to the applier before its persist, overlapping
   * the apply with the sync as etcd's server does: every one of them is already durable in this
   * member's log (at or below the log's last index before this persist, so none is among the
   * entries to write), no snapshot is to be installed first, and none is a membership change (which
   * waits for the durable commit, see {@link Ready#mustSync()}). Committed entries are durable on a
   * quorum, so applying and answering them cannot be undone by this member's crash during the sync.
   */
  private boolean appliesBeforePersist(Ready rd) {
    List<Entry> committed = rd.committedEntries();
    if (committed.isEmpty() || (rd.snapshot() != null && !rd.snapshot().isEmpty())) {
      return false;
    }
    if (committed.get(committed.size() - 1).index() > log.lastIndex()) {
      return false;
    }
    for (int i = 0; i < committed.size(); i++) {
      if (committed.get(i).type() == EntryType.CONF_CHANGE) {
        return false;
      }
    }
    return true;
  }

  /** Hands the held Ready's work to the applier and advances it; false when the applier is full. */
  private boolean handOff() {
    if (!heldBatch.isEmpty()) {
      if (!applier.offer(heldBatch)) {
        return false;
      }
      if (applierIdle != null) {
        applierIdle.wake();
      }
    }
    node.advance(held);
    held = null;
    heldBatch = null;
    return true;
  }

  private void send(List<Message> messages) {
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.type() == MessageType.SNAP) {
        Path file = log.snapshotFile(m.snapshot().metadata().index());
        if (file != null) {
          transport.sendSnapshot(m, file, snapshotCallback);
        } else {
          // a newer snapshot replaced this one after Raft built the message: Raft sends again,
          // with the newer one, once it hears the send failed
          node.reportSnapshot(m.to(), SnapshotStatus.FAILURE);
        }
      } else {
        transport.send(m);
      }
    }
  }

  private void handOver(CompletableFuture<Void> done) {
    if (node.role() != StateRole.LEADER) {
      done.complete(null);
      return;
    }
    long target = 0;
    long bestMatch = -1;
    for (Map.Entry<Long, ProgressStatus> p : node.status().progress().entrySet()) {
      ProgressStatus progress = p.getValue();
      if (p.getKey() != memberId
          && !progress.learner()
          && progress.recentActive()
          && progress.match() > bestMatch) {
        target = p.getKey();
        bestMatch = progress.match();
      }
    }
    if (target == 0) {
      done.complete(null);
      return;
    }
    LOG.info("member {} hands leadership to {} before closing", roleName, target);
    node.transferLeadership(target);
    handOverDone = done;
  }

  private void publish() {
    if (handOverDone != null && node.role() != StateRole.LEADER) {
      handOverDone.complete(null);
      handOverDone = null;
    }
    state.term = node.term();
    long lead = node.lead();
    if (lead != state.leaderId) {
      long previous = state.leaderMemberId();
      state.leaderId = lead;
      state.metrics.leaderChanged(previous, state.leaderMemberId(), state.term);
      if (lead != 0) {
        state.leaderChanges++;
        if (onLeaderKnown != null) {
          onLeaderKnown.run();
          onLeaderKnown = null;
        }
      }
    }
    state.commitIndex = node.commitIndex();
  }

  /**
   * Proposes the cycle's user proposals as one Raft proposal (one message stepped, one append of
   * them all); if Raft refuses the batch, each is proposed on its own so each meets its own fate.
   */
  private void proposeBatch() {
    try {
      if (batch.size() == 1) {
        node.propose(batch.get(0).payload);
      } else {
        for (int i = 0; i < batch.size(); i++) {
          batchPayloads.add(batch.get(i).payload);
        }
        node.propose(batchPayloads);
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).proposeAtTick = ticks + retryTicks;
      }
    } catch (ProposalDroppedException e) {
      for (int i = 0; i < batch.size(); i++) {
        propose(batch.get(i));
      }
    } finally {
      batch.clear();
      batchPayloads.clear();
    }
  }

  private void propose(PendingProposal p) {
    try {
      if (p.confChange) {
        node.proposeConfChange(ConfChangeCodec.decode(p.payload));
      } else {
        node.propose(p.payload);
      }
      p.proposeAtTick = ticks + retryTicks;
    } catch (ProposalDroppedException e) {
      switch (e.reason()) {
        case NO_LEADER,
            LEADERSHIP_TRANSFER_IN_PROGRESS,
            UNCOMMITTED_SIZE_LIMIT,
            NOT_LEADER,
            CONF_CHANGE_IN_PROGRESS ->
            p.proposeAtTick = ticks + 1;
        case INVALID_CONF_CHANGE -> {
          if (p.proposeAtTick > 0) {
            // a re-proposal of a change that was applied meanwhile: wait for its apply here
            p.proposeAtTick = Long.MAX_VALUE;
            return;
          }
          inflight.remove(p);
          pending.remove(p);
          p.fail(new io.etch.InvalidArgumentException("member", e.getMessage()), callbacks);
        }
        default -> {
          inflight.remove(p);
          pending.remove(p);
          p.fail(new NoLeaderException(memberId), callbacks);
        }
      }
    }
  }

  /**
   * On a tick: forgets answered proposals, fails overdue ones and proposes again the ones waiting
   * for this tick. One {@code removeIf} pass: between two ticks the list gathers every proposal of
   * the interval (about 8,000 at 50 ms ticks in the 3-member put benchmark), and removing them one
   * at a time through an iterator shifted the rest of the list each time, about a millisecond of
   * the owner thread per tick.
   */
  private void onTick(long nowNs) {
    List<PendingProposal> due = new ArrayList<>();
    List<PendingProposal> overdue = new ArrayList<>();
    inflight.removeIf(
        p -> {
          if (p.isDone()) {
            return true;
          }
          if (nowNs - p.deadlineNs >= 0) {
            overdue.add(p);
            return true;
          }
          if (ticks >= p.proposeAtTick) {
            due.add(p);
          }
          return false;
        });
    for (PendingProposal p : overdue) {
      pending.remove(p);
      p.fail(new RequestTimeoutException(p.operation, requestTimeout), callbacks);
    }
    for (PendingProposal p : due) {
      propose(p);
    }
    reads.onTick(ticks, nowNs);
  }
}
