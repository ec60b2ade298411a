package io.etch.benchmarks.wal;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import io.etch.storage.wal.SyncPolicy;
import io.etch.storage.wal.WalConfig;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.agrona.concurrent.UnsafeBuffer;
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

/**
 * What {@link WritePath#DIRECT_DSYNC} costs where it might: reads of entries that are no longer in
 * the log's 1 MiB write-behind buffer, against {@link WritePath#BUFFERED_CHANNEL}.
 *
 * <p>A direct write bypasses the page cache (and drops cached pages of its range), so on {@code
 * DIRECT_DSYNC} an older entry is read through the segment's mapping <em>from the disk</em>, where
 * on {@code BUFFERED_CHANNEL} it is still in the page cache as the write left it, until the kernel
 * evicts it. Set-up writes {@code RANGES} x 5,000 entries of 256 bytes as the node does (16 MiB
 * segments, next one prepared on an executor, batches of 64 synced), then:
 *
 * <ul>
 *   <li>{@code catchUpRead}: a follower's catch-up: {@link WriteAheadLog#read} of 5,000 consecutive
 *       entries (1.4 MiB of frames) that nobody has read yet, touching every payload; each
 *       invocation takes the next unread range (oldest first), so no invocation finds pages an
 *       earlier one faulted in.
 *   <li>{@code reopen}: recovery on open: {@link WriteAheadLog#open} (every record verified,
 *       through the mapping) of the whole log, then close.
 * </ul>
 *
 * {@code cache=asWritten}: the page cache as the writes left it (buffered: the entries cached;
 * direct: nothing cached); {@code cache=evicted}: every segment file's cached pages dropped before
 * each invocation ({@code posix_fadvise(DONTNEED)} through {@code dd iflag=nocache count=0}), as
 * after memory pressure or a reboot. For {@code reopen}, {@code asWritten} on the direct path also
 * evicts (its writes left nothing cached; the previous invocation's reads did).
 *
 * <pre>
 * java -Djmh.ignoreLock=true &lt;etch.jvm.flags&gt; -jar benchmarks/target/benchmarks.jar \
 *     WalCatchUpReadBenchmark -bm ss -wi 1 -i 8 -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 8)
@Fork(1)
public class WalCatchUpReadBenchmark {
  private static final int PAYLOAD_BYTES = 256;
  private static final int RANGE_ENTRIES = 5_000;
  private static final int RANGES = 24;
  private static final int WRITE_BATCH = 64;

  @Param({"BUFFERED_CHANNEL", "DIRECT_DSYNC"})
  public WritePath writePath;

  @Param({"asWritten", "evicted"})
  public String cache;

  private Path dir;
  private ExecutorService preallocation;
  private WriteAheadLog wal;
  private long nextRangeStart;
  private long lastIndex;
  private long touched;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path root = Path.of(System.getProperty("etch.bench.dir", "benchmarks/target/wal-bench"));
    Files.createDirectories(root);
    dir = Files.createTempDirectory(root, "catch-up-");
    preallocation =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "wal-segment-preallocation");
              t.setDaemon(true);
              return t;
            });
    wal = WriteAheadLog.open(config(true));
    UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
    new Random(42).nextBytes(payload.byteArray());
    long index = wal.lastIndex() + 1;
    for (int b = 0; b < RANGES * RANGE_ENTRIES / WRITE_BATCH; b++) {
      for (int i = 0; i < WRITE_BATCH; i++) {
        wal.append(index++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
      }
      wal.sync();
    }
    lastIndex = index - 1;
    nextRangeStart = wal.firstIndex();
    warmUpReads(payload);
  }

  /**
   * Compiles the read path before the first measured invocation, on a separate small log (reading
   * the measured one would bring its pages into the page cache): single-shot invocations are too
   * few for the JIT to finish otherwise.
   */
  private void warmUpReads(UnsafeBuffer payload) {
    try (WriteAheadLog warm =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("warm-up"))
                .segmentSizeBytes(4L << 20)
                .maxEntryBytes(64 << 10)
                .fileSystem(new MappedFileSystem(writePath))
                .build())) {
      for (int i = 1; i <= RANGE_ENTRIES; i++) {
        warm.append(i, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
      }
      warm.sync();
      for (int round = 0; round < 200; round++) {
        warm.read(
            1,
            RANGE_ENTRIES + 1,
            (index, term, type, buffer, offset, length) ->
                touched += buffer.getByte(offset) + buffer.getByte(offset + length - 1) + length);
      }
    }
  }

  /**
   * The node's configuration; {@code reopen} leaves the executor out, so no zero-fill of a next
   * segment runs in the background of the measured opens (recovery itself is the same).
   */
  private WalConfig config(boolean withExecutor) {
    WalConfig.Builder b =
        WalConfig.builder(dir.resolve("wal"))
            .segmentSizeBytes(16L << 20)
            .maxEntryBytes(64 << 10)
            .syncPolicy(SyncPolicy.EVERY_BATCH)
            .fileSystem(new MappedFileSystem(writePath));
    return withExecutor ? b.preallocationExecutor(preallocation).build() : b.build();
  }

  /**
   * Before each invocation: for {@code reopen}, closes the log (so the open is all that is timed);
   * evicts as {@code cache} says.
   */
  @Setup(Level.Invocation)
  public void prepare(BenchmarkParams params) throws IOException, InterruptedException {
    boolean reopening = params.getBenchmark().endsWith("reopen");
    if (reopening) {
      wal.close();
    }
    if (cache.equals("evicted") || (reopening && writePath == WritePath.DIRECT_DSYNC)) {
      evict();
    }
  }

  /** Drops the segment files' cached pages (those not mapped by a live mapping). */
  private void evict() throws IOException, InterruptedException {
    BackgroundResourceReleaser.releasePendingResources();
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      for (Path f : files.toList()) {
        Process p =
            new ProcessBuilder(List.of("dd", "if=" + f, "iflag=nocache", "count=0", "status=none"))
                .inheritIO()
                .start();
        if (p.waitFor() != 0) {
          throw new IOException("dd iflag=nocache failed for " + f);
        }
      }
    }
  }

  @Benchmark
  public long catchUpRead() {
    long from = nextRangeStart;
    if (from + RANGE_ENTRIES > lastIndex - (2L << 20) / 296) {
      throw new IllegalStateException("out of unread ranges: run fewer iterations");
    }
    nextRangeStart += RANGE_ENTRIES;
    wal.read(
        from,
        from + RANGE_ENTRIES,
        (index, term, type, buffer, offset, length) ->
            touched += buffer.getByte(offset) + buffer.getByte(offset + length - 1) + length);
    return touched;
  }

  @Benchmark
  public long reopen() {
    wal = WriteAheadLog.open(config(false));
    return wal.lastIndex();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    preallocation.shutdown();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
