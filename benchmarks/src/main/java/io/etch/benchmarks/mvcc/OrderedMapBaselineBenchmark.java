package io.etch.benchmarks.mvcc;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * Baselines for {@link MvccBenchmark} on the same keys and machine: point gets and overwriting puts
 * on a mutable {@link TreeMap} and a {@link ConcurrentSkipListMap} (unsigned byte order), the
 * ordered maps a JVM store would otherwise use. They keep no history and copy nothing, so they
 * bound what the persistent tree can reach; on a noisy shared CPU compare ratios, not absolutes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC"})
public class OrderedMapBaselineBenchmark {
  @Param({"1000000"})
  int keys;

  private TreeMap<byte[], byte[]> treeMap;
  private ConcurrentSkipListMap<byte[], byte[]> skipList;
  private byte[][] keyBytes;
  private byte[] value;
  private SplittableRandom rnd;

  @Setup(Level.Trial)
  public void load() {
    treeMap = new TreeMap<>(Arrays::compareUnsigned);
    skipList = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    rnd = new SplittableRandom(42);
    value = new byte[256];
    keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = MvccBenchmark.key(i);
      treeMap.put(keyBytes[i], value);
      skipList.put(keyBytes[i], value);
    }
  }

  @Benchmark
  public byte[] treeMapGet() {
    return treeMap.get(keyBytes[rnd.nextInt(keys)]);
  }

  @Benchmark
  public byte[] skipListGet() {
    return skipList.get(keyBytes[rnd.nextInt(keys)]);
  }

  @Benchmark
  public byte[] treeMapPut() {
    return treeMap.put(keyBytes[rnd.nextInt(keys)], value);
  }

  @Benchmark
  public byte[] skipListPut() {
    return skipList.put(keyBytes[rnd.nextInt(keys)], value);
  }
}
