package io.etch.benchmarks.snap;

import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.PutRequest;
import io.etch.storage.mvcc.RestoredStore;
import io.etch.storage.snap.SnapshotConfig;
import io.etch.storage.snap.SnapshotMeta;
import io.etch.storage.snap.SnapshotStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
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
 * Writing and restoring one MVCC snapshot of a store with history: {@code keys} keys (default
 * 10,000) overwritten in a seeded random order until the store holds {@code versions} versions
 * (default 300,000) of {@code valueBytes}-byte values (default 256), none compacted: the shape a
 * node's store has after a few hundred thousand puts of {@code NodeBenchmark.put}.
 *
 * <ul>
 *   <li>{@code write}: {@code MvccView.writeSnapshot} into memory (a sink that copies what it is
 *       given into one preallocated array, as the snapshot store copies into its buffer).
 *   <li>{@code writeFile}: the same through {@link SnapshotStore#write} (header, checksummed
 *       trailer, temporary file, fsync, rename, directory fsync): what a node's snapshot thread
 *       does.
 *   <li>{@code restore} / {@code restoreFile}: {@code MvccStore.restore} from memory / from that
 *       file through {@link SnapshotStore#openPayload} (which checks the file's checksum too).
 *   <li>{@code floorCopyCrc}: the floor: copying as many bytes as the snapshot has, in 64 KiB
 *       chunks, from one contiguous array into a buffer, plus CRC32C of them.
 * </ul>
 *
 * The snapshot's size and version count are printed at set-up: divide a score (ms per snapshot) by
 * the version count for ns per version, and the size by it for MB/s. Each iteration also prints the
 * benchmark thread's CPU time per snapshot ({@code cpu ms/op}, user and system, and user alone):
 * for {@code writeFile} it excludes the time spent waiting for the disk, which the score includes.
 *
 * <p>Run: {@code java $ETCH_JVM_FLAGS -jar benchmarks/target/benchmarks.jar
 * SnapshotCodecBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class SnapshotCodecBenchmark {
  private static final int CHUNK_BYTES = 64 << 10;

  @Param({"10000"})
  int keys;

  @Param({"300000"})
  int versions;

  @Param({"256"})
  int valueBytes;

  private MvccView view;
  private byte[] extra;
  private byte[] snapshot;
  private ArraySink sink;
  private byte[] floorBuffer;
  private final CRC32C crc = new CRC32C();
  private Path dir;
  private SnapshotStore store;
  private long nextIndex = 2;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long iterationCpuNs;
  private long iterationUserNs;
  private long iterationOps;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    MvccStore mvcc = MvccStore.create(MvccConfig.defaults());
    SplittableRandom rnd = new SplittableRandom(42);
    byte[][] keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = String.format("key/%08d", i).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] pattern = new byte[valueBytes];
    rnd.nextBytes(pattern);
    for (int i = 0; i < versions; i++) {
      // every key at least once, then random keys; a fresh array per put, as a node's decoder gives
      byte[] key = i < keys ? keyBytes[i] : keyBytes[rnd.nextInt(keys)];
      mvcc.put(PutRequest.of(key, pattern.clone()));
    }
    view = mvcc.view();
    extra = new byte[4096];
    rnd.nextBytes(extra);
    sink = new ArraySink(256 << 20);
    view.writeSnapshot(sink, 1, extra);
    snapshot = Arrays.copyOf(sink.bytes, sink.size);
    floorBuffer = new byte[CHUNK_BYTES];
    dir = Files.createTempDirectory("etch-snapbench");
    store = SnapshotStore.open(SnapshotConfig.builder(dir).build());
    store.write(1, 1, out -> view.writeSnapshot(out, 1, extra));
    System.out.printf(
        "%nsnapshot: %d versions of %d keys, %d bytes (%.1f bytes per version)%n",
        versions, keys, snapshot.length, (double) snapshot.length / versions);
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    iterationOps = 0;
    iterationCpuNs = threads.getCurrentThreadCpuTime();
    iterationUserNs = threads.getCurrentThreadUserTime();
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    long cpuNs = threads.getCurrentThreadCpuTime() - iterationCpuNs;
    long userNs = threads.getCurrentThreadUserTime() - iterationUserNs;
    long ops = Math.max(1, iterationOps);
    System.out.printf(
        " [cpu ms/op: %.2f (user %.2f), ns/version: %.1f] ",
        cpuNs / 1e6 / ops, userNs / 1e6 / ops, (double) cpuNs / ops / versions);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public int write() throws IOException {
    iterationOps++;
    sink.size = 0;
    view.writeSnapshot(sink, 1, extra);
    return sink.size;
  }

  @Benchmark
  public SnapshotMeta writeFile() {
    iterationOps++;
    // the store keeps the newest two files, which restoreFile reads
    return store.write(nextIndex++, 1, out -> view.writeSnapshot(out, 1, extra));
  }

  @Benchmark
  public RestoredStore restore() throws IOException {
    iterationOps++;
    return MvccStore.restore(new ByteArrayInputStream(snapshot), MvccConfig.defaults());
  }

  @Benchmark
  public RestoredStore restoreFile() throws IOException {
    iterationOps++;
    SnapshotMeta newest = store.list().get(0);
    try (InputStream in = store.openPayload(newest)) {
      return MvccStore.restore(in, MvccConfig.defaults());
    }
  }

  @Benchmark
  public int floorCopyCrc() {
    iterationOps++;
    crc.reset();
    for (int at = 0; at < snapshot.length; at += CHUNK_BYTES) {
      int n = Math.min(CHUNK_BYTES, snapshot.length - at);
      System.arraycopy(snapshot, at, floorBuffer, 0, n);
      crc.update(floorBuffer, 0, n);
    }
    return (int) crc.getValue();
  }

  /** Copies what it is given into one preallocated array. */
  private static final class ArraySink extends OutputStream {
    final byte[] bytes;
    int size;

    ArraySink(int capacity) {
      bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  }
}
