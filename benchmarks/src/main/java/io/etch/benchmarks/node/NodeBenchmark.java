package io.etch.benchmarks.node;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.EtcdNodeConfig;
import io.etch.kv.KV;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The whole node, as an embedding application uses it: {@code members} Etch nodes in this JVM over
 * real Netty on loopback, each with a real WAL syncing at the default durability, and one client
 * thread calling the leader's {@link KV} asynchronously with at most {@code inflight} requests
 * outstanding (a semaphore each completion releases). One op = one request issued; in steady state
 * the window keeps issued and completed equal. Every completion records its latency (issue to
 * completion, on the node's callback thread) in a {@link LatencyHistogram} during measurement
 * iterations only; the percentiles go out through {@link LatencyReport}.
 *
 * <p>Workload: 8-byte keys ({@code %08d}) over a 10,000-key space, 256-byte values, all keys put
 * once before measuring. {@code txnCas} is a compare-and-set: {@code If(value(k) == v) Then put(k,
 * v) Else get(k)}, which always takes the Then branch, so each op is a compare plus a durable
 * write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 2, time = 3)
@Fork(1)
public class NodeBenchmark {
  static final int KEYS = 10_000;
  static final int VALUE_BYTES = 256;

  @Param({"1", "3"})
  public int members;

  @Param({"1", "64", "512"})
  public int inflight;

  /**
   * Applied entries between snapshots: the node's default. Each snapshot writes the whole store,
   * history included (on the node's snapshot thread); above 64 MiB of store the node also waits for
   * the log to grow by the store's size (the node's default {@code snapshotLogRatio}). Pass {@code
   * -p snapshotCount=100000000} to see a run without them.
   */
  @Param({"" + EtcdNodeConfig.DEFAULT_SNAPSHOT_COUNT})
  public long snapshotCount;

  private BenchCluster cluster;
  private KV kv;
  private ByteSequence[] keys;
  private ByteSequence value;
  private GetOption serializable;
  private Semaphore window;
  private final SplittableRandom random = new SplittableRandom(42);
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final AtomicLong errors = new AtomicLong();
  private final CpuMeter cpu = new CpuMeter();
  private volatile boolean measuring;
  private String caseName;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    caseName = caseOf(params.getBenchmark());
    keys = new ByteSequence[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = ByteSequence.from(String.format("%08d", i), StandardCharsets.US_ASCII);
    }
    byte[] v = new byte[VALUE_BYTES];
    new SplittableRandom(7).nextBytes(v);
    value = ByteSequence.from(v);
    serializable = GetOption.builder().withSerializable(true).build();
    window = new Semaphore(inflight);
    cluster = new BenchCluster(members, snapshotCount).start();
    EtcdNode leader = cluster.leader();
    kv = leader.kv();
    Semaphore load = new Semaphore(256);
    for (ByteSequence k : keys) {
      load.acquire();
      kv.put(k, value).whenComplete((r, e) -> load.release());
    }
    load.acquire(256);
  }

  private static String caseOf(String benchmark) {
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    return switch (method) {
      case "put" -> "put";
      case "getLinearizable" -> "get-linearizable";
      case "getSerializable" -> "get-serializable";
      case "txnCas" -> "txn-cas";
      default -> throw new IllegalArgumentException("no case name for benchmark " + method);
    };
  }

  @Setup(Level.Iteration)
  public void startIteration(IterationParams iteration) {
    measuring = iteration.getType() == IterationType.MEASUREMENT;
    if (measuring) {
      cpu.start();
    }
  }

  /** Lets the window drain so no request of this iteration completes in the next one. */
  @TearDown(Level.Iteration)
  public void endIteration() throws InterruptedException {
    window.acquire(inflight);
    window.release(inflight);
    cpu.stop();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    LatencyReport.of(histogram, errors.get(), cpu.totalNs()).publish(caseName, members, inflight);
    System.out.printf(
        "%s members=%d inflight=%d: cpu us/op by thread group: %s%n",
        caseName, members, inflight, cpu.breakdownPerOp(histogram.count() + errors.get()));
    cluster.close();
  }

  private ByteSequence nextKey() {
    return keys[random.nextInt(KEYS)];
  }

  /**
   * Latency runs from before the call: a read served on the calling thread counts its whole cost.
   */
  private <T> void track(CompletableFuture<T> request, long startNs) {
    request.whenComplete(completion(startNs));
  }

  private <T> BiConsumer<T, Throwable> completion(long startNs) {
    return (response, failure) -> {
      if (failure != null) {
        errors.incrementAndGet();
      } else if (measuring) {
        histogram.record(System.nanoTime() - startNs);
      }
      window.release();
    };
  }

  @Benchmark
  public void put() throws InterruptedException {
    window.acquire();
    long start = System.nanoTime();
    track(kv.put(nextKey(), value, PutOption.DEFAULT), start);
  }

  @Benchmark
  public void getLinearizable() throws InterruptedException {
    window.acquire();
    long start = System.nanoTime();
    track(kv.get(nextKey(), GetOption.DEFAULT), start);
  }

  @Benchmark
  public void getSerializable() throws InterruptedException {
    window.acquire();
    long start = System.nanoTime();
    track(kv.get(nextKey(), serializable), start);
  }

  @Benchmark
  public void txnCas() throws InterruptedException {
    window.acquire();
    ByteSequence k = nextKey();
    long start = System.nanoTime();
    track(
        kv.txn()
            .If(new Cmp(k, Cmp.Result.EQUAL, CmpTarget.value(value)))
            .Then(Op.put(k, value, PutOption.DEFAULT))
            .Else(Op.get(k, GetOption.DEFAULT))
            .commit(),
        start);
  }
}
