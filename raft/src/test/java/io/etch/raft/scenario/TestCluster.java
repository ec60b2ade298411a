package io.etch.raft.scenario;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.SnapshotStatus;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.read.ReadOnlyOption;
import io.etch.raft.read.ReadState;
import io.etch.raft.storage.MemoryStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A small, fully controlled cluster for unit tests and data-driven scenarios: FIFO delivery,
 * explicit partitions, Ready handled in the documented order after every input.
 */
public final class TestCluster {
  /** One member and what it applied. */
  public static final class Node {
    final long id;
    final MemoryStorage storage;
    final RawNode raw;
    ConfState confState;
    final List<Entry> applied = new ArrayList<>();
    final List<ReadState> reads = new ArrayList<>();

    Node(long id, MemoryStorage storage, RaftConfig config) {
      this.id = id;
      this.storage = storage;
      this.raw = new RawNode(config, storage);
      this.confState = storage.initialState().confState();
    }

    public RawNode raw() {
      return raw;
    }

    public MemoryStorage storage() {
      return storage;
    }

    public List<Entry> applied() {
      return applied;
    }

    public List<ReadState> reads() {
      return reads;
    }

    public ConfState confState() {
      return confState;
    }
  }

  /** Options for every member. */
  public record Options(
      boolean preVote,
      boolean checkQuorum,
      int electionTicks,
      int heartbeatTicks,
      ReadOnlyOption readOnly,
      long maxSizePerMsgBytes,
      int maxInflightMsgs) {
    public static Options defaults() {
      return new Options(false, false, 10, 1, ReadOnlyOption.SAFE, 1 << 20, 256);
    }
  }

  private final TreeMap<Long, Node> nodes = new TreeMap<>();
  private final ArrayDeque<Message> queue = new ArrayDeque<>();
  private final Set<Long> blocked = new HashSet<>();
  private final Options options;
  private final SplittableRandom random;
  private final Snapshot boot;
  private Consumer<String> log = s -> {};

  public TestCluster(long[] voters, long[] learners, Options options, long seed) {
    this.options = options;
    this.random = new SplittableRandom(seed);
    this.boot = new Snapshot(new SnapshotMetadata(1, 1, ConfState.of(voters, learners)), null);
    for (long id : voters) {
      add(id, MemoryStorage.bootstrap(boot));
    }
    for (long id : learners) {
      add(id, MemoryStorage.bootstrap(boot));
    }
  }

  public static TestCluster of(long... voters) {
    return new TestCluster(voters, new long[0], Options.defaults(), 1);
  }

  /** Where delivered messages and read states are reported (scenario output). */
  public void onEvent(Consumer<String> log) {
    this.log = log;
  }

  /** Adds a member with empty storage (it learns the cluster through a snapshot). */
  public Node addEmpty(long id) {
    return add(id, new MemoryStorage());
  }

  private Node add(long id, MemoryStorage storage) {
    RaftConfig config =
        RaftConfig.builder(id)
            .preVote(options.preVote())
            .checkQuorum(options.checkQuorum())
            .electionTimeoutTicks(options.electionTicks())
            .heartbeatIntervalTicks(options.heartbeatTicks())
            .readOnlyOption(options.readOnly())
            .maxSizePerMsgBytes(options.maxSizePerMsgBytes())
            .maxInflightMsgs(options.maxInflightMsgs())
            .random(random.split())
            .build();
    Node n = new Node(id, storage, config);
    nodes.put(id, n);
    return n;
  }

  public Node node(long id) {
    Node n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no member " + id);
    }
    return n;
  }

  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  /** Handles the pending Ready of every member in the documented order. */
  public void processReadies() {
    for (Node n : nodes.values()) {
      while (n.raw.hasReady()) {
        Ready rd = n.raw.ready();
        queue.addAll(rd.messagesBeforePersist());
        if (rd.snapshot() != null) {
          n.storage.applySnapshot(rd.snapshot());
        }
        n.storage.append(rd.entries());
        if (rd.hardState() != null) {
          n.storage.setHardState(rd.hardState());
        }
        queue.addAll(rd.messagesAfterPersist());
        if (rd.snapshot() != null) {
          n.confState = rd.snapshot().metadata().confState();
        }
        for (Entry e : rd.committedEntries()) {
          if (e.type() == EntryType.CONF_CHANGE) {
            n.confState = n.raw.applyConfChange(ConfChangeCodec.decode(e.data()));
          }
          n.applied.add(e);
        }
        for (ReadState rs : rd.readStates()) {
          n.reads.add(rs);
          log.accept(
              n.id + " read-state index=" + rs.index() + " ctx=" + new String(rs.requestContext()));
        }
        n.raw.advance(rd);
      }
    }
  }

  /** Delivers the queued messages once (FIFO); returns how many were delivered. */
  public int deliverAll() {
    processReadies();
    List<Message> batch = new ArrayList<>(queue);
    queue.clear();
    int delivered = 0;
    for (Message m : batch) {
      Node to = nodes.get(m.to());
      if (to == null || isBlocked(m.from(), m.to())) {
        log.accept("dropped " + m);
        continue;
      }
      log.accept(m.toString());
      to.raw.step(m);
      if (m.type() == io.etch.raft.MessageType.SNAP) {
        nodes.get(m.from()).raw.reportSnapshot(m.to(), SnapshotStatus.FINISHED);
      }
      delivered++;
    }
    processReadies();
    return batch.size();
  }

  /** Delivers until no message is left (bounded). */
  public void stabilize() {
    for (int i = 0; i < 1000; i++) {
      if (deliverAll() == 0 && queue.isEmpty()) {
        return;
      }
    }
    throw new IllegalStateException("cluster did not stabilize within 1000 rounds");
  }

  public List<Message> pending() {
    processReadies();
    return new ArrayList<>(queue);
  }

  public void dropPending() {
    queue.clear();
  }

  private static long link(long from, long to) {
    return (from << 32) | to;
  }

  public boolean isBlocked(long from, long to) {
    return blocked.contains(link(from, to));
  }

  /** Cuts every link between {@code ids} and the rest, both ways. */
  public void isolate(long... ids) {
    Set<Long> side = new HashSet<>();
    for (long id : ids) {
      side.add(id);
    }
    for (long a : nodes.keySet()) {
      for (long b : nodes.keySet()) {
        if (side.contains(a) != side.contains(b)) {
          blocked.add(link(a, b));
        }
      }
    }
  }

  /** Cuts the directed link {@code from -> to}. */
  public void cut(long from, long to) {
    blocked.add(link(from, to));
  }

  public void heal() {
    blocked.clear();
  }

  public void tick(long id, int times) {
    for (int i = 0; i < times; i++) {
      node(id).raw.tick();
      processReadies();
    }
  }

  public void tickAll(int times) {
    for (int i = 0; i < times; i++) {
      for (Node n : nodes.values()) {
        n.raw.tick();
      }
      processReadies();
    }
  }

  /** Campaign at {@code id} and deliver until quiet. */
  public void elect(long id) {
    node(id).raw.campaign();
    stabilize();
    if (node(id).raw.role() != StateRole.LEADER) {
      throw new IllegalStateException(id + " did not become leader: " + node(id).raw.status());
    }
  }

  public void proposeConf(long id, ConfChange cc) {
    node(id).raw.proposeConfChange(cc);
    processReadies();
  }

  public String describe(long id) {
    Node n = node(id);
    RawNode r = n.raw;
    return id
        + ": "
        + r.role()
        + " term="
        + r.term()
        + " lead="
        + r.lead()
        + " last="
        + r.lastIndex()
        + " commit="
        + r.commitIndex()
        + " applied="
        + r.appliedIndex()
        + " voters="
        + java.util.Arrays.toString(n.confState.voters())
        + (n.confState.learners().length > 0
            ? " learners=" + java.util.Arrays.toString(n.confState.learners())
            : "");
  }

  public String describeLog(long id) {
    Node n = node(id);
    StringBuilder s = new StringBuilder();
    long first = n.raw.firstIndex();
    for (long i = first; i <= n.raw.lastIndex(); i++) {
      s.append(i == first ? "" : " ").append(i).append('/').append(n.raw.termAt(i));
    }
    return id
        + ": log "
        + (s.length() == 0 ? "(empty, compacted through " + (first - 1) + ")" : s.toString());
  }
}
