package io.etch.benchmarks;

import io.etch.ByteSequence;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Key comparison cost: every B+tree descent and range scan pays it. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ByteSequenceBenchmark {
  private final ByteSequence a = ByteSequence.from("/registry/pods/default/web-00001");
  private final ByteSequence b = ByteSequence.from("/registry/pods/default/web-00002");

  @Benchmark
  public int compareKeysSharingALongPrefix() {
    return a.compareTo(b);
  }
}
