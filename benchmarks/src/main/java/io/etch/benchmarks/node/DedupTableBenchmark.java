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
 * record, which evicts the oldest entry. Request ids are random per member (three members), so the
 * index probes land anywhere. {@code tables > 1} applies round robin to that many tables, as the
 * members of one JVM do in the node benchmark, so the probes mostly miss the CPU caches.
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

  private DedupTable[] dedup;
  private SplittableRandom rnd;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    rnd = new SplittableRandom(42);
    dedup = new DedupTable[tables];
    for (int t = 0; t < tables; t++) {
      dedup[t] = new DedupTable(entries, 1 << 20);
      for (int i = 0; i < entries; i++) {
        dedup[t].record(1 + rnd.nextInt(3), rnd.nextLong(), APPLIED);
      }
    }
  }

  @Benchmark
  public boolean containsThenRecord() {
    DedupTable table = dedup[next];
    if (++next == tables) {
      next = 0;
    }
    long member = 1 + rnd.nextInt(3);
    long request = rnd.nextLong();
    boolean duplicate = table.contains(member, request);
    if (!duplicate) {
      table.record(member, request, APPLIED);
    }
    return duplicate;
  }
}
