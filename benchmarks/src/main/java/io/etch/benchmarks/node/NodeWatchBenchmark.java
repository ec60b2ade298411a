package io.etch.benchmarks.node;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.EtcdNodeConfig;
import io.etch.kv.KV;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Watch delivery through the whole node: {@value #WATCHERS} watchers on the leader, each on a
 * prefix covering 10 of the 10,000 keys, so every put produces exactly one event for exactly one
 * watcher. The client puts 256-byte values (the issue time in their first 8 bytes) and keeps at
 * most {@code inflight} puts whose event has not arrived yet: the window is released by the event's
 * delivery, not by the put's completion, so the loop runs at the pace of delivery. One op = one put
 * = one event delivered; latency is put issued to event delivered to the listener.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 2, time = 3)
@Fork(1)
public class NodeWatchBenchmark {
  static final int WATCHERS = 1_000;

  @Param({"1"})
  public int members;

  @Param({"64"})
  public int inflight;

  private BenchCluster cluster;
  private KV kv;
  private ByteSequence[] keys;
  private final List<Watcher> watchers = new ArrayList<>();
  private Semaphore window;
  private final SplittableRandom random = new SplittableRandom(42);
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean measuring;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    keys = new ByteSequence[NodeBenchmark.KEYS];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ByteSequence.from(String.format("%08d", i), StandardCharsets.US_ASCII);
    }
    window = new Semaphore(inflight);
    cluster = new BenchCluster(members, EtcdNodeConfig.DEFAULT_SNAPSHOT_COUNT).start();
    EtcdNode leader = cluster.leader();
    kv = leader.kv();
    Watch watch = leader.watch();
    WatchOption prefix = WatchOption.builder().isPrefix(true).build();
    for (int w = 0; w < WATCHERS; w++) {
      ByteSequence p = ByteSequence.from(String.format("%07d", w), StandardCharsets.US_ASCII);
      watchers.add(watch.watch(p, prefix, Watch.listener(this::onEvents)));
    }
  }

  private void onEvents(WatchResponse response) {
    List<WatchEvent> events = response.events();
    if (events.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (WatchEvent e : events) {
      if (measuring) {
        histogram.record(now - ByteBuffer.wrap(e.kv().value().unsafeBytes()).getLong());
      }
    }
    window.release(events.size());
  }

  @Setup(Level.Iteration)
  public void startIteration(IterationParams iteration) {
    measuring = iteration.getType() == IterationType.MEASUREMENT;
  }

  @TearDown(Level.Iteration)
  public void endIteration() throws InterruptedException {
    window.acquire(inflight);
    window.release(inflight);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    LatencyReport.of(histogram, errors.get()).publish("watch", members, inflight);
    for (Watcher w : watchers) {
      w.close();
    }
    cluster.close();
  }

  @Benchmark
  public void putAndWatch() throws InterruptedException {
    window.acquire();
    byte[] value = new byte[NodeBenchmark.VALUE_BYTES];
    ByteBuffer.wrap(value).putLong(System.nanoTime());
    kv.put(keys[random.nextInt(keys.length)], ByteSequence.wrap(value), PutOption.DEFAULT)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                errors.incrementAndGet();
                window.release(); // no event will come
              }
            });
  }
}
