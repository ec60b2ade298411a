package io.etch.raft;

import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.read.ReadState;
import io.etch.raft.storage.RaftStorage;
import io.etch.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade a node drives: inputs ({@link #tick}, {@link #step}, {@link #propose}, ...) change the
 * state machine, {@link #ready()} collects the resulting work and {@link #advance} acknowledges it.
 *
 * <p>Not thread-safe and never blocking: no threads, clocks, sockets or disks inside. Time is
 * {@link #tick()} (the node calls it at a fixed interval); randomness comes from {@link
 * RaftConfig#random()}. The loop a node runs:
 *
 * <pre>{@code
 * node.tick() / node.step(msg) / node.propose(data) ...
 * if (node.hasReady()) {
 *   Ready rd = node.ready();
 *   send(rd.messagesBeforePersist());
 *   persist(rd.snapshot(), rd.entries(), rd.hardState());   // fsync if rd.mustSync()
 *   send(rd.messagesAfterPersist());
 *   apply(rd.snapshot(), rd.committedEntries());            // conf changes: applyConfChange
 *   node.advance(rd);
 * }
 * }</pre>
 *
 * <p>Requests that cannot be served throw {@link ProposalDroppedException} with a typed {@link
 * DropReason}; nothing is appended in that case.
 */
public final class RawNode {
  private static final Logger LOG = LoggerFactory.getLogger(RawNode.class);

  private final Raft raft;
  private SoftState prevSoftState;
  private HardState prevHardState;
  private Ready pending;

  public RawNode(RaftConfig config, RaftStorage storage) {
    this.raft = new Raft(config, storage);
    this.prevSoftState = raft.softState();
    this.prevHardState = raft.hardState();
  }

  public long id() {
    return raft.id;
  }

  /** Advances logical time by one tick (election and heartbeat timers). */
  public void tick() {
    raft.tick();
  }

  /** Starts an election now (pre-vote first when enabled). */
  public void campaign() {
    raft.step(Message.builder(MessageType.HUP).from(raft.id).build());
  }

  /**
   * Proposes one command.
   *
   * @throws ProposalDroppedException when it cannot be accepted (see the reason)
   */
  public void propose(byte[] data) {
    raft.step(
        Message.builder(MessageType.PROP)
            .from(raft.id)
            .entries(List.of(new Entry(0, 0, EntryType.NORMAL, data)))
            .build());
  }

  /**
   * Proposes a batch of commands as one unit (all accepted or none).
   *
   * @throws ProposalDroppedException when it cannot be accepted
   */
  public void propose(List<byte[]> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<Entry> ents = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ents.add(new Entry(0, 0, EntryType.NORMAL, batch.get(i)));
    }
    raft.step(Message.builder(MessageType.PROP).from(raft.id).entries(ents).build());
  }

  /**
   * Proposes a single-server membership change; at most one may be pending.
   *
   * @throws ProposalDroppedException e.g. {@link DropReason#CONF_CHANGE_IN_PROGRESS}
   */
  public void proposeConfChange(ConfChange change) {
    raft.step(
        Message.builder(MessageType.PROP)
            .from(raft.id)
            .entries(
                List.of(new Entry(0, 0, EntryType.CONF_CHANGE, ConfChangeCodec.encode(change))))
            .build());
  }

  /**
   * Requests a linearizable read point; the answer arrives as a {@link ReadState} carrying {@code
   * context} in a later {@link Ready}. The context must be unique among pending requests.
   */
  public void readIndex(byte[] context) {
    if (context == null || context.length == 0) {
      throw new IllegalArgumentException("read index context must be non-empty");
    }
    raft.step(Message.builder(MessageType.READ_INDEX).from(raft.id).context(context).build());
  }

  /** Asks the leader to hand leadership to {@code targetId} (TimeoutNow once it caught up). */
  public void transferLeadership(long targetId) {
    raft.step(Message.builder(MessageType.TRANSFER_LEADER).from(targetId).to(raft.id).build());
  }

  /**
   * Feeds a message received from a peer. Requests this member cannot serve (a forwarded proposal
   * while there is no leader, ...) are dropped silently: the originator times out.
   *
   * @throws IllegalArgumentException for local message types, which never travel
   */
  public void step(Message m) {
    if (m.type().isLocal()) {
      throw new IllegalArgumentException("local message type " + m.type() + " cannot be stepped");
    }
    if (m.type().isResponse()
        && m.type() != MessageType.READ_INDEX_RESP
        && !raft.tracker.isMember(m.from())) {
      return;
    }
    try {
      raft.step(m);
    } catch (ProposalDroppedException e) {
      LOG.debug("member {} dropped {} from {}: {}", raft.id, m.type(), m.from(), e.getMessage());
    }
  }

  /** Applies a committed membership change; returns the resulting membership. */
  public ConfState applyConfChange(ConfChange change) {
    return raft.applyConfChange(change);
  }

  /** The transport could not reach {@code id}: replication to it falls back to probing. */
  public void reportUnreachable(long id) {
    raft.step(Message.builder(MessageType.UNREACHABLE).from(id).build());
  }

  /** The outcome of sending a snapshot to {@code id}. */
  public void reportSnapshot(long id, SnapshotStatus status) {
    raft.step(
        Message.builder(MessageType.SNAP_STATUS)
            .from(id)
            .reject(status == SnapshotStatus.FAILURE)
            .build());
  }

  /** Whether {@link #ready()} has anything to hand out. */
  public boolean hasReady() {
    if (pending != null) {
      return false;
    }
    raft.flushAppends();
    if (!raft.softState().equals(prevSoftState)) {
      return true;
    }
    HardState hs = raft.hardState();
    if (!hs.isEmpty() && !hs.equals(prevHardState)) {
      return true;
    }
    return raft.log.unstableSnapshot() != null
        || !raft.log.unstableEntries().isEmpty()
        || !raft.msgs.isEmpty()
        || !raft.readStates.isEmpty()
        || raft.log.hasNextCommittedEntries();
  }

  /**
   * Collects the pending work. Must be followed by {@link #advance(Ready)} before the next call.
   *
   * @throws IllegalStateException when the previous Ready was not advanced
   */
  public Ready ready() {
    if (pending != null) {
      throw new IllegalStateException("ready() called again before advance() of " + pending);
    }
    raft.flushAppends();
    SoftState ss = raft.softState();
    HardState hs = raft.hardState();
    boolean hardChanged = !hs.isEmpty() && !hs.equals(prevHardState);
    boolean termOrVoteChanged =
        hs.term() != prevHardState.term() || hs.vote() != prevHardState.vote();
    List<Entry> entries = List.copyOf(raft.log.unstableEntries());
    List<Message> before = new ArrayList<>();
    List<Message> after = new ArrayList<>();
    boolean[] superseded = supersededAppendResponses(raft.msgs);
    for (int i = 0; i < raft.msgs.size(); i++) {
      Message m = raft.msgs.get(i);
      if (superseded != null && superseded[i]) {
        continue;
      }
      if (!termOrVoteChanged && mayLeaveBeforePersist(m.type())) {
        before.add(m);
      } else {
        after.add(m);
      }
    }
    raft.msgs.clear();
    List<ReadState> reads = List.copyOf(raft.readStates);
    raft.readStates.clear();
    List<Entry> committed = List.copyOf(raft.log.nextCommittedEntries());
    pending =
        new Ready(
            ss.equals(prevSoftState) ? null : ss,
            hardChanged ? hs : null,
            entries,
            raft.log.unstableSnapshot(),
            committed,
            reads,
            Collections.unmodifiableList(before),
            Collections.unmodifiableList(after),
            termOrVoteChanged || !entries.isEmpty() || containsConfChange(committed));
    return pending;
  }

  /**
   * A membership change may be applied only once the commit that covers it is durable: a member
   * that applied it and then lost the commit in a crash would restart in the older configuration,
   * where it may be a quorum on its own while the others already count on it (two leaders in one
   * term; found by the WAL-backed simulation). Commits over normal entries need no fsync of their
   * own, as in etcd: after a restart they are learned again and the entries replay.
   */
  private static boolean containsConfChange(List<Entry> committed) {
    for (int i = 0; i < committed.size(); i++) {
      if (committed.get(i).type() == EntryType.CONF_CHANGE) {
        return true;
      }
    }
    return false;
  }

  /**
   * Which accepting {@code APP_RESP}s another one in the same batch makes redundant, or null when
   * none does. An accepting response tells the leader "my log matches yours up to {@code index}" in
   * {@code term}; within one Ready (persisted as one) the one with the highest index to the same
   * leader in the same term says everything the others say, and the leader's progress only moves
   * forward. So a follower that stepped several appends in one cycle answers once, with the last of
   * the highest; rejections all stay (each carries its own hint).
   */
  private static boolean[] supersededAppendResponses(List<Message> msgs) {
    int n = msgs.size();
    if (n < 2) {
      return null;
    }
    // per (to, term): the position of the last accepting response with the highest index
    int pairs = 0;
    long[] tos = null;
    long[] terms = null;
    int[] keep = null;
    int accepting = 0;
    for (int i = 0; i < n; i++) {
      Message m = msgs.get(i);
      if (m.type() != MessageType.APP_RESP || m.reject()) {
        continue;
      }
      accepting++;
      if (tos == null) {
        tos = new long[4];
        terms = new long[4];
        keep = new int[4];
      }
      int p = 0;
      while (p < pairs && (tos[p] != m.to() || terms[p] != m.term())) {
        p++;
      }
      if (p == pairs) {
        if (pairs == tos.length) {
          tos = Arrays.copyOf(tos, pairs * 2);
          terms = Arrays.copyOf(terms, pairs * 2);
          keep = Arrays.copyOf(keep, pairs * 2);
        }
        tos[p] = m.to();
        terms[p] = m.term();
        keep[p] = i;
        pairs++;
      } else if (m.index() >= msgs.get(keep[p]).index()) {
        keep[p] = i;
      }
    }
    if (accepting == pairs) {
      return null;
    }
    boolean[] superseded = new boolean[n];
    for (int i = 0; i < n; i++) {
      Message m = msgs.get(i);
      if (m.type() == MessageType.APP_RESP && !m.reject()) {
        superseded[i] = true;
      }
    }
    for (int p = 0; p < pairs; p++) {
      superseded[keep[p]] = false;
    }
    return superseded;
  }

  private static boolean mayLeaveBeforePersist(MessageType t) {
    return switch (t) {
      case APP, HEARTBEAT, SNAP -> true;
      default -> false;
    };
  }

  /**
   * Acknowledges that {@code rd} was handled in the documented order: its state is durable, its
   * messages sent and its committed entries applied.
   */
  public void advance(Ready rd) {
    if (rd != pending) {
      throw new IllegalStateException("advance() with a Ready that is not the pending one");
    }
    pending = null;
    if (rd.softState() != null) {
      prevSoftState = rd.softState();
    }
    if (rd.hardState() != null) {
      prevHardState = rd.hardState();
    }
    if (rd.snapshot() != null) {
      raft.log.stableSnapTo(rd.snapshot().metadata().index());
      raft.log.appliedTo(rd.snapshot().metadata().index());
    }
    List<Entry> ents = rd.entries();
    if (!ents.isEmpty()) {
      Entry last = ents.get(ents.size() - 1);
      raft.log.stableTo(last.index(), last.term());
    }
    List<Entry> committed = rd.committedEntries();
    if (!committed.isEmpty()) {
      raft.log.appliedTo(committed.get(committed.size() - 1).index());
      raft.onApplied(committed);
    }
    raft.onPersisted();
  }

  /** A point-in-time view of this member. */
  public Status status() {
    Map<Long, ProgressStatus> prs = new TreeMap<>();
    if (raft.state == StateRole.LEADER) {
      for (long m : raft.tracker.memberIds()) {
        Progress p = raft.tracker.progress(m);
        prs.put(
            m,
            new ProgressStatus(
                p.match(),
                p.next(),
                p.state(),
                p.isLearner(),
                p.recentActive(),
                p.inflights().count(),
                p.inflights().bytes()));
      }
    }
    return new Status(
        raft.id,
        raft.term,
        raft.vote,
        raft.log.committed(),
        raft.log.applied(),
        raft.lead,
        raft.state,
        raft.leadTransferee,
        raft.tracker.confState(),
        Collections.unmodifiableMap(prs));
  }

  // cheap accessors for hot loops and tests
  public StateRole role() {
    return raft.state;
  }

  public long term() {
    return raft.term;
  }

  public long lead() {
    return raft.lead;
  }

  public long commitIndex() {
    return raft.log.committed();
  }

  public long appliedIndex() {
    return raft.log.applied();
  }

  public long lastIndex() {
    return raft.log.lastIndex();
  }

  /** The term of the entry at {@code index} in this member's log, 0 if absent or compacted. */
  public long termAt(long index) {
    return raft.log.termOrZero(index);
  }

  public long firstIndex() {
    return raft.log.firstIndex();
  }
}
