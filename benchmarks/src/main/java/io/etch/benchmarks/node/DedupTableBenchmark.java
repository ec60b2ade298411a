package io.etch.benchmarks.node;

import io.etch.internal.request.DedupTable;
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
 * What the applier does with the dedup table for each applied request, on full tables of the node's
 * size ({@code NodeRuntime.DEDUP_ENTRIES}, one-byte outcomes): a lookup that misses, then the
 * record, which evicts the oldest entry. Three members propose; with {@code ids=random} their
 * request ids are random, so the index probes land anywhere; with {@code ids=sequential} each
 * member counts its ids up by one and the members take turns in runs of up to 64 requests, as a
 * member's {@code RequestIdGenerator} and the leader's batching make them in the node. {@code
 * tables > 1} applies round robin to that many tables, as the members of one JVM do in the node
 * benchmark, so the probes mostly miss the CPU caches.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar DedupTableBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class DedupTableBenchmark {
  private static final byte[] APPLIED = {0};

  @Param({"100000"})
  int entries;

  @Param({"1", "3"})
  int tables;

  @Param({"random", "sequential"})
  String ids;

  private final long[] nextId = {1L << 40, 2L << 40, 3L << 40};
  private int member;
  private int runLeft;

  private DedupTable[] dedup;
  private SplittableRandom rnd;
  private int next;

  // The request being applied: every table applies the same requests, as the members do.
  private long requestMember;
  private long request;

  @Setup(Level.Trial)
  public void fill() {
    dedup = new DedupTable[tables];
    for (int t = 0; t < tables; t++) {
      // every table applies the same requests, as the members do
      rnd = new SplittableRandom(42);
      nextId[0] = 1L << 40;
      nextId[1] = 2L << 40;
      nextId[2] = 3L << 40;
      runLeft = 0;
      dedup[t] = new DedupTable(entries, 1 << 20);
      for (int i = 0; i < entries; i++) {
        long m = nextMember();
        dedup[t].record(m, nextRequest(m), APPLIED);
      }
    }
  }

  @Benchmark
  public boolean containsThenRecord() {
    if (next == 0) {
      requestMember = nextMember();
      request = nextRequest(requestMember);
    }
    DedupTable table = dedup[next];
    if (++next == tables) {
      next = 0;
    }
    boolean duplicate = table.contains(requestMember, request);
    if (!duplicate) {
      table.record(requestMember, request, APPLIED);
    }
    return duplicate;
  }

  private long nextMember() {
    if (ids.equals("random")) {
      return 1 + rnd.nextInt(3);
    }
    if (runLeft == 0) {
      member = rnd.nextInt(3);
      runLeft = 1 + rnd.nextInt(64);
    }
    runLeft--;
    return 1 + member;
  }

  private long nextRequest(long m) {
    return ids.equals("random") ? rnd.nextLong() : nextId[(int) m - 1]++;
  }
}
