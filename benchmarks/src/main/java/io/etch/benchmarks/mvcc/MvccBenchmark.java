package io.etch.benchmarks.mvcc;

import io.etch.storage.mvcc.Compare;
import io.etch.storage.mvcc.CompareResult;
import io.etch.storage.mvcc.KeyValue;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.PutResponse;
import io.etch.storage.mvcc.RangeRequest;
import io.etch.storage.mvcc.RangeResponse;
import io.etch.storage.mvcc.TxnRequest;
import io.etch.storage.mvcc.TxnResponse;
import io.etch.storage.mvcc.WriteResult;
import java.nio.charset.StandardCharsets;
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
 * The MVCC store on one thread with {@code keys} keys (default 1M) of {@code valueBytes}-byte
 * values (default 256): put (overwrite of a random existing key), point get, prefix range of 100
 * keys, and a compare-and-swap txn (read the key, then txn "mod == read mod ? put").
 *
 * <p>Keys are {@code key/NNNNNNNN}; a prefix {@code key/NNNNNN} selects exactly 100 keys. Values
 * come from a small pool of distinct arrays (the store takes ownership of the arrays it is given,
 * so a put does not copy); between iterations the store is fully compacted so that the heap holds
 * about one version per key plus what one iteration adds.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar MvccBenchmark -prof
 * gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC"})
public class MvccBenchmark {
  @Param({"1000000"})
  int keys;

  @Param({"256"})
  int valueBytes;

  private MvccStore store;
  private byte[][] keyBytes;
  private byte[][] prefixes;
  private byte[][] values;
  private SplittableRandom rnd;

  static byte[] key(int i) {
    return String.format("key/%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  @Setup(Level.Trial)
  public void load() {
    store = MvccStore.create(MvccConfig.defaults());
    rnd = new SplittableRandom(42);
    values = new byte[64][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[valueBytes];
      rnd.nextBytes(values[i]);
    }
    keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = key(i);
      store.put(PutRequest.of(keyBytes[i], values[i & 63]));
    }
    prefixes = new byte[Math.max(1, keys / 100)][];
    for (int i = 0; i < prefixes.length; i++) {
      prefixes[i] = String.format("key/%06d", i).getBytes(StandardCharsets.US_ASCII);
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

  private int nextKey() {
    return rnd.nextInt(keys);
  }

  @Benchmark
  public WriteResult<PutResponse> put() {
    int i = nextKey();
    return store.put(PutRequest.of(keyBytes[i], values[i & 63]));
  }

  @Benchmark
  public KeyValue pointGet() {
    return store.view().get(keyBytes[nextKey()]);
  }

  @Benchmark
  public RangeResponse pointGetAsRangeRequest() {
    return store.range(RangeRequest.get(keyBytes[nextKey()]));
  }

  @Benchmark
  public RangeResponse prefixRange100() {
    return store.range(RangeRequest.prefix(prefixes[rnd.nextInt(prefixes.length)]));
  }

  @Benchmark
  public TxnResponse txnCas() {
    int i = nextKey();
    byte[] k = keyBytes[i];
    MvccView view = store.view();
    long mod = view.get(k).modRevision();
    TxnRequest cas =
        new TxnRequest(
            List.of(Compare.modRevision(k, CompareResult.EQUAL, mod)),
            List.of(PutRequest.of(k, values[(i + 1) & 63])),
            List.of());
    return store.txn(cas).response();
  }
}
