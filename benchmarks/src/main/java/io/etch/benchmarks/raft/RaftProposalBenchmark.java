package io.etch.benchmarks.raft;

import io.etch.raft.ConfState;
import io.etch.raft.Message;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.raft.Ready;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.StateRole;
import io.etch.raft.storage.MemoryStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proposals through a 3-member in-memory cluster with no I/O: the leader proposes {@code batch}
 * entries of {@code payloadBytes}, then the cluster runs (Ready handling, MemoryStorage "persist",
 * direct message delivery) until the leader has committed and applied them. The score is per
 * operation = one batch; entries/s = score x batch. Run with {@code -prof gc} for allocations
 * (divide gc.alloc.rate.norm by batch for bytes per entry).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RaftProposalBenchmark {
  @Param({"1", "1000"})
  int batch;

  @Param({"64"})
  int payloadBytes;

  private final RawNode[] nodes = new RawNode[4];
  private final MemoryStorage[] storages = new MemoryStorage[4];
  private final ArrayDeque<Message> network = new ArrayDeque<>();
  private List<byte[]> proposal;
  private long proposed;

  @Setup(Level.Trial)
  public void setUp() {
    Snapshot boot =
        new Snapshot(
            new SnapshotMetadata(1, 1, ConfState.of(new long[] {1, 2, 3}, new long[0])), null);
    for (int id = 1; id <= 3; id++) {
      storages[id] = MemoryStorage.bootstrap(boot);
      nodes[id] =
          new RawNode(
              RaftConfig.builder(id)
                  .maxSizePerMsgBytes(4 * 1024 * 1024)
                  .maxInflightMsgs(256)
                  .maxUncommittedEntriesBytes(1L << 30)
                  .random(new SplittableRandom(id))
                  .build(),
              storages[id]);
    }
    nodes[1].campaign();
    runUntilQuiet();
    if (nodes[1].role() != StateRole.LEADER) {
      throw new IllegalStateException("member 1 did not become leader");
    }
    proposal = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      proposal.add(new byte[payloadBytes]);
    }
  }

  @Benchmark
  public long proposeAndCommit() {
    RawNode leader = nodes[1];
    if (batch == 1) {
      leader.propose(proposal.get(0));
    } else {
      leader.propose(proposal);
    }
    long target = leader.lastIndex();
    while (leader.appliedIndex() < target) {
      runOnce();
    }
    proposed += batch;
    if (proposed >= 200_000) {
      compact();
      proposed = 0;
    }
    return leader.appliedIndex();
  }

  private void runUntilQuiet() {
    for (int i = 0; i < 100; i++) {
      if (!runOnce()) {
        return;
      }
    }
  }

  /** One round: every member handles its Ready, then the queued messages are delivered. */
  private boolean runOnce() {
    boolean any = false;
    for (int id = 1; id <= 3; id++) {
      RawNode n = nodes[id];
      while (n.hasReady()) {
        any = true;
        Ready rd = n.ready();
        network.addAll(rd.messagesBeforePersist());
        MemoryStorage s = storages[id];
        if (rd.snapshot() != null) {
          s.applySnapshot(rd.snapshot());
        }
        s.append(rd.entries());
        if (rd.hardState() != null) {
          s.setHardState(rd.hardState());
        }
        network.addAll(rd.messagesAfterPersist());
        n.advance(rd);
      }
    }
    Message m;
    while ((m = network.poll()) != null) {
      any = true;
      nodes[(int) m.to()].step(m);
    }
    return any;
  }

  private void compact() {
    for (int id = 1; id <= 3; id++) {
      long applied = nodes[id].appliedIndex();
      MemoryStorage s = storages[id];
      if (applied - 1000 > s.firstIndex()) {
        s.compact(applied - 1000);
      }
    }
  }
}
