package io.etch.benchmarks.watch;

import io.etch.ByteSequence;
import io.etch.internal.watch.WatchHub;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.WriteResult;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Watch delivery, end to end: the benchmark thread plays the applier (MVCC put, then {@code
 * WatchHub.onApplied}); listeners run on a 2-thread pool. One invocation writes {@link #BATCH}
 * revisions and waits until every matching watcher has heard its events. The score is revisions per
 * second; the {@code events} secondary result is events delivered per second.
 *
 * <ul>
 *   <li>{@code spread}: {@code watchers} watchers on as many keys, each put hits one of them — the
 *       cost of matching among many watchers (hash lookup) and of one delivery.
 *   <li>{@code fanOut}: {@code watchers} prefix watchers over one key space (the interval index),
 *       each put delivered to every watcher.
 * </ul>
 *
 * The p99 latency from {@code onApplied} to the listener call is printed at the end of each
 * iteration. Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar
 * WatchDeliveryBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1)
public class WatchDeliveryBenchmark {
  static final int BATCH = 1000;
  private static final int FAN_OUT_BATCH = 10;
  private static final int LATENCY_SAMPLES = 1 << 20;

  @Param({"1000", "10000"})
  int watchers;

  private MvccStore store;
  private WatchHub hub;
  private ExecutorService pool;
  private byte[][] keys;
  private byte[] value;
  private SplittableRandom rnd;
  private final AtomicLong delivered = new AtomicLong();
  private volatile long target;
  private volatile Thread waiter;
  private long[] appliedAtNs;
  private final long[] latencies = new long[LATENCY_SAMPLES];
  private final AtomicInteger latencyCount = new AtomicInteger();
  private boolean fanOut;

  private final Watch.Listener listener =
      new Watch.Listener() {
        @Override
        public void onNext(WatchResponse response) {
          if (response.kind() != WatchResponse.Kind.EVENTS) {
            return;
          }
          long now = System.nanoTime();
          for (WatchEvent e : response.events()) {
            int i = latencyCount.getAndIncrement();
            if (i < LATENCY_SAMPLES) {
              latencies[i] = now - appliedAtNs[(int) (e.kv().modRevision() % appliedAtNs.length)];
            }
          }
          if (delivered.addAndGet(response.events().size()) >= target) {
            LockSupport.unpark(waiter);
          }
        }

        @Override
        public void onError(Throwable error) {}

        @Override
        public void onCompleted() {}
      };

  @Setup(Level.Trial)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
    fanOut = params.getBenchmark().endsWith("fanOut");
    store = MvccStore.create(MvccConfig.defaults());
    pool = Executors.newFixedThreadPool(2);
    hub =
        WatchHub.builder()
            .memberName("bench")
            .views(store::view)
            .callbackExecutor(pool)
            .maxPendingEventsPerWatcher(4096)
            .build();
    rnd = new SplittableRandom(42);
    value = new byte[64];
    appliedAtNs = new long[BATCH * 4];
    int keyCount = fanOut ? 1000 : watchers;
    keys = new byte[keyCount][];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = String.format("key/%06d", i).getBytes(StandardCharsets.US_ASCII);
    }
    for (int i = 0; i < watchers; i++) {
      if (fanOut) {
        hub.watch(
            ByteSequence.from("key/"), WatchOption.builder().isPrefix(true).build(), listener);
      } else {
        hub.watch(ByteSequence.wrap(keys[i]), listener);
      }
    }
  }

  @TearDown(Level.Iteration)
  public void latency() {
    int n = Math.min(latencyCount.getAndSet(0), LATENCY_SAMPLES);
    if (n == 0) {
      return;
    }
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf(
        "%n  [%s watchers=%d] delivery latency p50 %.1f us, p99 %.1f us (%d samples)%n",
        fanOut ? "fanOut" : "spread",
        watchers,
        sorted[n / 2] / 1e3,
        sorted[(int) (n * 0.99)] / 1e3,
        n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hub.close();
    pool.shutdownNow();
  }

  private void writeAndWait(int revisions, long eventsPerRevision) {
    waiter = Thread.currentThread();
    target = delivered.get() + revisions * eventsPerRevision;
    for (int i = 0; i < revisions; i++) {
      WriteResult<?> r = store.put(PutRequest.of(keys[rnd.nextInt(keys.length)], value));
      long rev = store.revision();
      appliedAtNs[(int) (rev % appliedAtNs.length)] = System.nanoTime();
      hub.onApplied(rev, r.events());
    }
    while (delivered.get() < target) {
      LockSupport.parkNanos(50_000);
    }
  }

  /** Events delivered, reported by JMH as a rate next to the revisions/s score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Delivered {
    public long events;
  }

  /** {@code watchers} watchers on as many keys; each revision reaches one watcher. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void spread(Delivered d) {
    writeAndWait(BATCH, 1);
    d.events += BATCH;
  }

  /** {@code watchers} prefix watchers; each revision reaches all of them. */
  @Benchmark
  @OperationsPerInvocation(FAN_OUT_BATCH)
  public void fanOut(Delivered d) {
    writeAndWait(FAN_OUT_BATCH, watchers);
    d.events += (long) FAN_OUT_BATCH * watchers;
  }
}
