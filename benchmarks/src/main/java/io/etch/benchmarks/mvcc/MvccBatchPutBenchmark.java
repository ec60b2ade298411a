package io.etch.benchmarks.mvcc;

import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.PutResponse;
import io.etch.storage.mvcc.WriteBatch;
import io.etch.storage.mvcc.WriteResult;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Puts (overwrites of random existing keys, 256-byte values) made one by one ({@code batch = 1}:
 * {@link MvccStore#put}, a path copy and a published view per put) against puts made through a
 * {@link WriteBatch} of {@code batch} puts (one view per batch, each touched node copied once per
 * batch). One op = one put, the batch's commit included. {@code keys = 10000} is the node
 * benchmark's key space; the store is compacted between iterations.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar MvccBatchPutBenchmark
 * -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class MvccBatchPutBenchmark {
  @Param({"10000", "1000000"})
  int keys;

  @Param({"1", "16", "256"})
  int batch;

  private MvccStore store;
  private byte[][] keyBytes;
  private byte[][] values;
  private SplittableRandom rnd;
  private WriteBatch open;
  private int inBatch;

  @Setup(Level.Trial)
  public void load() {
    store = MvccStore.create(MvccConfig.defaults());
    rnd = new SplittableRandom(42);
    values = new byte[64][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[256];
      rnd.nextBytes(values[i]);
    }
    keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = MvccBenchmark.key(i);
      store.put(PutRequest.of(keyBytes[i], values[i & 63]));
    }
  }

  @Setup(Level.Iteration)
  public void compact() {
    if (store.revision() > store.view().compactedRevision()) {
      store.compact(store.revision());
      while (store.compactStep(100_000)) {
        // drain between iterations
      }
    }
  }

  @TearDown(Level.Iteration)
  public void commitOpenBatch() {
    if (open != null) {
      open.commit();
      open = null;
      inBatch = 0;
    }
  }

  @Benchmark
  public WriteResult<PutResponse> put() {
    int i = rnd.nextInt(keys);
    PutRequest request = PutRequest.of(keyBytes[i], values[i & 63]);
    if (batch == 1) {
      return store.put(request);
    }
    if (open == null) {
      open = store.batch();
    }
    WriteResult<PutResponse> result = open.put(request);
    if (++inBatch == batch) {
      open.commit();
      open = null;
      inBatch = 0;
    }
    return result;
  }
}
