package io.etch.benchmarks.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The disk's floor for the node's put: the same bytes a put carries (an 8-byte key and a 256-byte
 * value, {@value #RECORD_BYTES} bytes per record) appended with {@link FileChannel#write} at the
 * next position of a zero-filled pre-allocated file in the JVM's temporary directory (where {@link
 * NodeBenchmark} puts its WALs) and made durable with {@code force(false)} (fdatasync). No framing,
 * no checksum, no index: what a log cannot beat.
 *
 * <ul>
 *   <li>{@code fsyncSeq}: one record per write+force, what a put pays with one request in flight;
 *   <li>{@code fsyncBatch64}, {@code fsyncBatch512}: 64 or 512 records in one write and one force,
 *       the best group commit can do with that many requests in flight. One op = one record; each
 *       record's latency is its batch's write+force time.
 * </ul>
 *
 * The file wraps to its start after {@value #FILE_BYTES} bytes, overwriting allocated blocks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 3)
@Fork(1)
public class FsyncBaselineBenchmark {
  static final int RECORD_BYTES = 8 + NodeBenchmark.VALUE_BYTES;
  static final long FILE_BYTES = 64L << 20;

  private Path file;
  private FileChannel channel;
  private long position;
  private ByteBuffer one;
  private ByteBuffer batch64;
  private ByteBuffer batch512;
  private final LatencyHistogram histogram = new LatencyHistogram();
  private boolean measuring;
  private String caseName;
  private int inflight;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws IOException {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    switch (method) {
      case "fsyncSeq" -> {
        caseName = "fsync-seq";
        inflight = 1;
      }
      case "fsyncBatch64" -> {
        caseName = "fsync-batch";
        inflight = 64;
      }
      case "fsyncBatch512" -> {
        caseName = "fsync-batch";
        inflight = 512;
      }
      default -> throw new IllegalArgumentException("no case name for benchmark " + method);
    }
    file = Files.createTempFile("etch-fsync-", ".log");
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long p = 0; p < FILE_BYTES; p += zeros.capacity()) {
      zeros.clear();
      while (zeros.hasRemaining()) {
        channel.write(zeros, p + zeros.position());
      }
    }
    channel.force(true);
    one = records(1);
    batch64 = records(64);
    batch512 = records(512);
  }

  private static ByteBuffer records(int count) {
    byte[] bytes = new byte[RECORD_BYTES * count];
    new SplittableRandom(count).nextBytes(bytes);
    ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
    b.put(bytes).flip();
    return b;
  }

  @Setup(Level.Iteration)
  public void startIteration(IterationParams iteration) {
    measuring = iteration.getType() == IterationType.MEASUREMENT;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    LatencyReport.of(histogram, 0).publish(caseName, 1, inflight);
    channel.close();
    Files.deleteIfExists(file);
  }

  private void appendAndForce(ByteBuffer records, int count) throws IOException {
    long start = System.nanoTime();
    if (position + records.capacity() > FILE_BYTES) {
      position = 0;
    }
    records.clear();
    while (records.hasRemaining()) {
      position += channel.write(records, position);
    }
    channel.force(false);
    if (measuring) {
      histogram.record(System.nanoTime() - start, count);
    }
  }

  @Benchmark
  public void fsyncSeq() throws IOException {
    appendAndForce(one, 1);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public void fsyncBatch64() throws IOException {
    appendAndForce(batch64, 64);
  }

  @Benchmark
  @OperationsPerInvocation(512)
  public void fsyncBatch512() throws IOException {
    appendAndForce(batch512, 512);
  }
}
