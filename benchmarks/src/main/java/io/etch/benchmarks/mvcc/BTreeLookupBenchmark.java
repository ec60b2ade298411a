package io.etch.benchmarks.mvcc;

import io.etch.storage.mvcc.PersistentBTree;
import java.nio.charset.StandardCharsets;
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
 * Point lookups in {@link PersistentBTree}s of the node benchmark's key space (8-byte keys {@code
 * %08d}, inserted one by one in random order, so nodes are partly filled as in a live store): the
 * node search alone, without the store around it. {@code trees > 1} spreads the lookups over that
 * many equal trees, so the nodes a lookup touches are mostly out of the CPU caches, as they are in
 * the node benchmark where three members' stores, their logs and their dedup tables share two
 * cores' caches.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar BTreeLookupBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class BTreeLookupBenchmark {
  @Param({"10000"})
  int keys;

  @Param({"1", "256"})
  int trees;

  private PersistentBTree<Integer>[] forest;
  private byte[][] keyBytes;
  private SplittableRandom rnd;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void load() {
    rnd = new SplittableRandom(42);
    keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
    }
    forest = new PersistentBTree[trees];
    for (int t = 0; t < trees; t++) {
      int[] order = new int[keys];
      for (int i = 0; i < keys; i++) {
        order[i] = i;
      }
      for (int i = keys - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int x = order[i];
        order[i] = order[j];
        order[j] = x;
      }
      PersistentBTree<Integer> tree = PersistentBTree.empty();
      for (int i : order) {
        tree = tree.put(keyBytes[i].clone(), i);
      }
      forest[t] = tree;
    }
  }

  @Benchmark
  public Integer get() {
    return forest[rnd.nextInt(trees)].get(keyBytes[rnd.nextInt(keys)]);
  }
}
