package io.etch.benchmarks.ops;

import io.etch.internal.metrics.LatencyHistogram;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of recording one latency on a hot path ({@link LatencyHistogram#record}: a bucket
 * increment, a count, a sum and a max), against a lone {@link LongAdder#increment} as the baseline
 * (the cheapest contended-safe counter), on 1 and 2 threads. State the result as a ratio to the
 * baseline; run with {@code -prof gc} to see that recording allocates nothing.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar MetricsRecording -prof
 * gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MetricsRecordingBenchmark {
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final LongAdder adder = new LongAdder();
  private long value = 1_234_567;

  @Benchmark
  public void baselineLongAdder() {
    adder.increment();
  }

  @Benchmark
  public void recordLatency() {
    value = (value * 6364136223846793005L + 1442695040888963407L) & 0xFFFFFFFL;
    histogram.record(value);
  }

  @Benchmark
  @Threads(2)
  public void baselineLongAdder2Threads() {
    adder.increment();
  }

  @Benchmark
  @Threads(2)
  public void recordLatency2Threads() {
    histogram.record(1_234_567);
  }
}
