package io.etch.benchmarks.wal;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.Preallocation;
import io.etch.storage.fs.WritePath;
import io.etch.storage.wal.SyncPolicy;
import io.etch.storage.wal.WalConfig;
import io.etch.storage.wal.WalRecordDescriptor;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Group commit of the write-ahead log against the physical floor, side by side in one run.
 *
 * <p>One operation = append {@code batch} entries of 256-byte payloads, then make them durable.
 * Compare scores of the same {@code batch}: records/s = ops/s x batch, and the ratio of two
 * methods' ops/s is the ratio of their record throughput.
 *
 * <ul>
 *   <li>{@code wal}: the log as the node runs it ({@code MemberDataDir.openLog} in core, on the
 *       default {@code new MappedFileSystem()}): {@link WriteAheadLog#append} x batch + {@link
 *       WriteAheadLog#sync()} on mapped 16 MiB segments written through {@link
 *       WritePath#DIRECT_DSYNC} (the block-aligned write-behind buffer goes out with one O_DIRECT |
 *       O_DSYNC write per sync: no page cache, the write is the barrier; the partly filled last
 *       block is rewritten by the next sync), the next segment zero-filled ahead of need on a
 *       {@link WalConfig.Builder#preallocationExecutor} (a single thread, as the node's). The other
 *       WAL contenders differ from it in one setting each.
 *   <li>{@code walBuffered}: {@code wal} on {@link WritePath#BUFFERED_CHANNEL}, the node's mode
 *       before: one positional write of the write-behind buffer per sync, then fdatasync through
 *       {@code FileChannel.force(false)}; exactly the floor's system calls.
 *   <li>{@code walInline}: {@code wal} without an executor (the library default): the appending
 *       thread fills the next segment in synced 1 MiB steps after its syncs.
 *   <li>{@code walCpuOnly}: the log with {@link SyncPolicy#NEVER} on one 512 MiB segment (no roll
 *       in a trial) under {@code -Detch.bench.cpuOnlyDir} (default {@code /dev/shm}, a tmpfs, so
 *       its pages are never written back to the disk the others use): the log's own work (framing,
 *       checksums, index; the copy into the page cache when its 1 MiB buffer fills) without the
 *       barrier.
 *   <li>{@code walSparse}: {@code walBuffered} on {@link Preallocation#SPARSE} segments (length
 *       set, no zeros written).
 *   <li>{@code walDsync}: {@code walBuffered} with {@link WritePath#BUFFERED_DSYNC}: the buffered
 *       frames go out with one positional write on an O_DSYNC channel, which is itself the barrier.
 *   <li>{@code walMappedWrites}: the same with {@link WritePath#MAPPED_MEMORY} (appends are memory
 *       copies into the mapping).
 *   <li>{@code baselinePreallocated}: the same frame bytes (296 per record) written with one {@link
 *       FileChannel#write} at the next position of a zero-filled pre-allocated file, then {@code
 *       force(false)}: the physical floor for a durable batch.
 *   <li>{@code baselineMapped}: {@code baselinePreallocated} on a file held mapped by
 *       chronicle-bytes (never touched through the mapping), as the WAL's segments are.
 *   <li>{@code baselineDirect}: the same bytes written with O_DIRECT | O_DSYNC, whole blocks from
 *       the one holding the previous batch's tail, one call per batch (an experiment on the write
 *       path; in {@link #interleaved} only with {@code -Detch.bench.direct=true}).
 *   <li>{@code baselinePerRecord}: the plain loop without group commit: each 296-byte record
 *       written and forced on its own (what a log without batching pays).
 *   <li>{@code baselineAppend}: the same, appending to a growing file (each sync also commits the
 *       new file size), the naive log.
 *   <li>{@code mappedMsync}: the same bytes copied into a chronicle-bytes mapping of a
 *       pre-allocated file, made durable with chronicle's msync ({@code syncUpTo(..,
 *       SyncMode.SYNC)}): answers whether msync or fdatasync is the better barrier for a mapped
 *       log.
 * </ul>
 *
 * {@code -Detch.bench.secondary=false} leaves {@code walInline} and {@code walDsync} out of {@link
 * #interleaved}. {@code -Detch.bench.perRecordRounds=false} leaves the per-record loop out (at
 * batch 256 it is 256 fsyncs per round and limits a run to a few hundred rounds, so segment rolls
 * rarely fall inside the window; without it they do). {@code -Detch.bench.segmentBytes} sets the
 * WAL segment size (default the node's 16 MiB; smaller makes segment rolls, and so pre-allocation,
 * visible within a short run). Files live under {@code -Detch.bench.dir} (default {@code
 * benchmarks/target/wal-bench}), on the same file system as the build.
 *
 * <p><b>Figures</b> (docs/storage-wal.md, "The node on DIRECT_DSYNC"): runs of
 *
 * <pre>
 * java -Djmh.ignoreLock=true -Detch.bench.perRecordRounds=false -Detch.bench.secondary=false \
 *     -Detch.bench.direct=true &lt;etch.jvm.flags&gt; -jar benchmarks/target/benchmarks.jar \
 *     'io.etch.benchmarks.wal.WalAppendSyncBenchmark.interleaved' -wi 1 -w 3 -i 6 -r 5
 * </pre>
 *
 * on 2026-11-22 00:28-00:50 UTC (2 shared cores, load average 9-21; floor median 175-920 µs per
 * batch), median of the paired per-round ratios to the batched floor / sum ratio, {@code wal} (the
 * node, {@code DIRECT_DSYNC}): batch 1 <b>0.999-1.054</b> / 0.75-1.08; batch 16 <b>1.022-1.049</b>
 * / 0.96-1.16; batch 256 <b>0.966-0.984</b> / 0.94-1.04 (five runs, two of them 256 only with
 * {@code -p batch=256 -i 10}). {@code walBuffered} (the node's mode before): 0.961-0.997,
 * 0.976-0.991, 0.903-0.995. At 256 the log's own framing (13.3-15.9 µs per batch measured alone,
 * 9-15 µs above the direct floor's CPU) is what keeps the median below the floor; {@code
 * baselineDirect} (the same write without the log) measured 1.011-1.076.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class WalAppendSyncBenchmark {
  private static final int PAYLOAD_BYTES = 256;
  private static final int FRAME_BYTES = WalRecordDescriptor.entryFrameLength(PAYLOAD_BYTES);
  private static final long FILE_BYTES = 64L << 20;

  /** The node's WAL segment size ({@code MemberDataDir.WAL_SEGMENT_BYTES} in core). */
  private static final long NODE_SEGMENT_BYTES = 16L << 20;

  private static final int MAX_ENTRY_BYTES = 64 << 10;

  /** Segment of {@code walCpuOnly}: room for ~7,000 batches of 256 without a roll. */
  private static final long CPU_ONLY_SEGMENT_BYTES = 512L << 20;

  @Param({"1", "16", "256"})
  public int batch;

  private Path dir;
  private Path cpuOnlyDir;
  private long segmentBytes;
  private WriteAheadLog wal;
  private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
  private long nextIndex;
  private WriteAheadLog walMappedWrites;
  private WriteAheadLog walInline;
  private WriteAheadLog walSparse;
  private WriteAheadLog walCpuOnly;
  private WriteAheadLog walDsync;
  private long nextDsyncIndex;
  private WriteAheadLog walBuffered;
  private long nextBufferedIndex;
  private long nextCpuOnlyIndex;
  private long nextSparseIndex;
  private long nextInlineIndex;
  private ExecutorService preallocationThread;
  private long nextMappedIndex;

  private FileChannel preallocated;
  private long preallocatedPosition;
  private FileChannel appending;

  /**
   * {@code -Detch.bench.direct=true} adds {@code baselineDirect} to the rounds: the same bytes
   * written with O_DIRECT | O_DSYNC (one system call, no page cache), whole blocks from the block
   * holding the previous batch's tail. An experiment on the write path, not something the WAL does.
   */
  private final boolean directRounds = Boolean.getBoolean("etch.bench.direct");

  private FileChannel direct;
  private ByteBuffer directStaging;
  private int directBlockBytes;
  private long directPosition;
  private ByteBuffer batchBytes;

  private MappedFile mappedFile;
  private MappedBytesStore mappedStore;
  private final ReferenceOwner owner = ReferenceOwner.temporary("wal-benchmark");
  private long mappedPosition;
  private final UnsafeBuffer mappedTarget = new UnsafeBuffer(0, 0);
  private final PosixAPI posix = PosixAPI.posix();
  private static final long PAGE_BYTES = 4096;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path root =
        Path.of(
            System.getProperty(
                "etch.bench.dir",
                Files.isDirectory(Path.of("benchmarks", "target"))
                    ? "benchmarks/target/wal-bench"
                    : "target/wal-bench"));
    Files.createDirectories(root);
    dir = Files.createTempDirectory(root, "run-");
    new Random(42).nextBytes(payload.byteArray());

    segmentBytes = Long.getLong("etch.bench.segmentBytes", NODE_SEGMENT_BYTES);
    preallocationThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "wal-segment-preallocation");
              t.setDaemon(true);
              return t;
            });
    wal = WriteAheadLog.open(nodeConfig("wal", new MappedFileSystem()).build());
    nextIndex = wal.lastIndex() + 1;
    walMappedWrites =
        WriteAheadLog.open(
            nodeConfig("wal-mapped-writes", new MappedFileSystem(WritePath.MAPPED_MEMORY)).build());
    nextMappedIndex = walMappedWrites.lastIndex() + 1;
    walInline =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-inline"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(MAX_ENTRY_BYTES)
                .build());
    nextInlineIndex = walInline.lastIndex() + 1;
    walSparse =
        WriteAheadLog.open(
            nodeConfig(
                    "wal-sparse",
                    new MappedFileSystem(WritePath.BUFFERED_CHANNEL, Preallocation.SPARSE))
                .build());
    nextSparseIndex = walSparse.lastIndex() + 1;
    walDsync =
        WriteAheadLog.open(
            nodeConfig("wal-dsync", new MappedFileSystem(WritePath.BUFFERED_DSYNC)).build());
    nextDsyncIndex = walDsync.lastIndex() + 1;
    walBuffered =
        WriteAheadLog.open(
            nodeConfig("wal-buffered", new MappedFileSystem(WritePath.BUFFERED_CHANNEL)).build());
    nextBufferedIndex = walBuffered.lastIndex() + 1;
    // one large segment, no executor, on tmpfs when there is one: it never rolls within a trial
    // and its never-synced pages are not written back, so it adds no disk I/O that would disturb
    // the other contenders
    cpuOnlyDir = Files.createTempDirectory(cpuOnlyRoot(root), "cpu-only-");
    walCpuOnly =
        WriteAheadLog.open(
            WalConfig.builder(cpuOnlyDir)
                .segmentSizeBytes(CPU_ONLY_SEGMENT_BYTES)
                .maxEntryBytes(MAX_ENTRY_BYTES)
                .syncPolicy(SyncPolicy.NEVER)
                .build());
    nextCpuOnlyIndex = walCpuOnly.lastIndex() + 1;

    byte[] frames = new byte[FRAME_BYTES * batch];
    new Random(7).nextBytes(frames);
    batchBytes = ByteBuffer.allocateDirect(frames.length);
    batchBytes.put(frames).flip();

    Path pre = dir.resolve("preallocated.bin");
    preallocated =
        FileChannel.open(
            pre, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    zeroFill(preallocated, FILE_BYTES);
    appending =
        FileChannel.open(
            dir.resolve("append.bin"),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);

    if (directRounds) {
      Path directFile = dir.resolve("direct.bin");
      try (FileChannel ch =
          FileChannel.open(directFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        zeroFill(ch, FILE_BYTES);
      }
      directBlockBytes = (int) Files.getFileStore(directFile).getBlockSize();
      direct =
          FileChannel.open(
              directFile,
              StandardOpenOption.WRITE,
              StandardOpenOption.DSYNC,
              com.sun.nio.file.ExtendedOpenOption.DIRECT);
      int stagingBytes = (frames.length / directBlockBytes + 2) * directBlockBytes;
      directStaging =
          ByteBuffer.allocateDirect(stagingBytes + directBlockBytes).alignedSlice(directBlockBytes);
    }

    Path mapped = dir.resolve("mapped.bin");
    try (FileChannel ch =
        FileChannel.open(mapped, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      zeroFill(ch, FILE_BYTES);
    }
    mappedFile = MappedFile.ofSingle(mapped.toFile(), FILE_BYTES, false);
    mappedStore = mappedFile.acquireByteStore(owner, 0);
  }

  /** The WAL as the node opens it: next segment prepared on a node-owned thread. */
  private WalConfig.Builder nodeConfig(String name, MappedFileSystem fileSystem) {
    return WalConfig.builder(dir.resolve(name))
        .segmentSizeBytes(segmentBytes)
        .maxEntryBytes(MAX_ENTRY_BYTES)
        .syncPolicy(SyncPolicy.EVERY_BATCH)
        .fileSystem(fileSystem)
        .preallocationExecutor(preallocationThread);
  }

  private static Path cpuOnlyRoot(Path fallback) {
    Path shm = Path.of(System.getProperty("etch.bench.cpuOnlyDir", "/dev/shm"));
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : fallback;
  }

  private static void zeroFill(FileChannel ch, long bytes) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long p = 0; p < bytes; ) {
      zeros.clear();
      p += ch.write(zeros, p);
    }
    ch.force(true);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (rounds > 0) {
      printRatios();
    }
    wal.close();
    walMappedWrites.close();
    walInline.close();
    walSparse.close();
    walCpuOnly.close();
    walDsync.close();
    walBuffered.close();
    preallocationThread.shutdown();
    preallocated.close();
    if (direct != null) {
      direct.close();
    }
    appending.close();
    mappedStore.release(owner);
    mappedFile.releaseLast();
    for (Path d : new Path[] {dir, cpuOnlyDir}) {
      try (Stream<Path> files = Files.walk(d)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The contenders of {@link #interleaved}, in the order of {@link #CONTENDERS}. */
  private static final int WAL = 0;

  private static final int FLOOR = 1;
  private static final int WAL_INLINE = 2;
  private static final int PER_RECORD = 3;
  private static final int WAL_DSYNC = 4;
  private static final int FLOOR_MAPPED = 5;
  private static final int WAL_CPU_ONLY = 6;
  private static final int FLOOR_DIRECT = 7;
  private static final int WAL_BUFFERED = 8;

  private static final String[] CONTENDERS = {
    "wal (node: DIRECT_DSYNC, segment prepared ahead)",
    "batched floor",
    "wal, inline stepwise pre-allocation (no executor)",
    "per-record write+force loop",
    "wal (node) on BUFFERED_DSYNC writes",
    "batched floor on a mapped file (A/A control)",
    "wal work without the barrier (SyncPolicy.NEVER)",
    "O_DIRECT|O_DSYNC write of the same bytes (no page cache)",
    "wal (node) on BUFFERED_CHANNEL (pwrite+fdatasync)"
  };

  private void printRatios() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%nINTERLEAVED batch=%d rounds=%d segmentBytes=%d; ratio = batched floor time /"
                + " contender time: median of per-round (paired) ratios, and sum ratio%n",
            batch, rounds, segmentBytes));
    for (int c = 0; c < CONTENDERS.length; c++) {
      if (c == FLOOR || !runs(c)) {
        continue;
      }
      // what the ratio would be if the contender's time were the floor's plus its extra CPU time
      double extraCpu = median(roundCpuNanos[c]) - median(roundCpuNanos[FLOOR]);
      double predicted =
          c == WAL_CPU_ONLY
              ? Double.NaN
              : median(roundNanos[FLOOR]) / (median(roundNanos[FLOOR]) + extraCpu);
      out.append(
          String.format(
              "  %-52s median %.3f  sum %.3f  (per batch: mean %.1f us, median %.1f us, median"
                  + " CPU %.1f us; floor / (floor + extra CPU) = %.3f)%n",
              CONTENDERS[c],
              medianRatio(roundNanos[FLOOR], roundNanos[c]),
              (double) totalNanos[FLOOR] / Math.max(1, totalNanos[c]),
              totalNanos[c] / 1e3 / rounds,
              median(roundNanos[c]) / 1e3,
              median(roundCpuNanos[c]) / 1e3,
              predicted));
    }
    out.append(
        String.format(
            "  %-52s (per batch: mean %.1f us, median %.1f us, median CPU %.1f us)%n",
            CONTENDERS[FLOOR],
            totalNanos[FLOOR] / 1e3 / rounds,
            median(roundNanos[FLOOR]) / 1e3,
            median(roundCpuNanos[FLOOR]) / 1e3));
    System.out.print(out);
  }

  /** Nanoseconds spent per contender in {@link #interleaved}, reported per iteration by JMH. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class InterleavedNanos {
    public long walNanos;
    public long baselineNanos;
    public long walInlineNanos;
    public long walDsyncNanos;
    public long walCpuOnlyNanos;

    @Setup(Level.Iteration)
    public void reset() {
      walNanos = 0;
      baselineNanos = 0;
      walInlineNanos = 0;
      walDsyncNanos = 0;
      walCpuOnlyNanos = 0;
    }
  }

  /** Seeded shuffle of the contenders' order each round, so none always follows another. */
  private final Random order = new Random(1);

  private final int[] sequence = {0, 1, 2, 3, 4, 5, 6, 7, 8};

  /** Total nanoseconds per contender over the trial. */
  private final long[] totalNanos = new long[CONTENDERS.length];

  /**
   * Each contender's time in each round, by contender: a round's contenders ran back to back, so
   * the ratio within a round is a paired comparison and its median over rounds ignores the
   * machine's spikes (a stall of another process hits one contender of one round).
   */
  private final LongArrayList[] roundNanos = new LongArrayList[CONTENDERS.length];

  /**
   * The benchmark thread's CPU time (user + system, so the kernel's copy and writeback work too)
   * per contender per round: what each contender computes, as opposed to waiting for the disk.
   */
  private final LongArrayList[] roundCpuNanos = new LongArrayList[CONTENDERS.length];

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  {
    for (int i = 0; i < roundNanos.length; i++) {
      roundNanos[i] = new LongArrayList();
      roundCpuNanos[i] = new LongArrayList();
    }
  }

  private static double medianRatio(LongArrayList numerators, LongArrayList denominators) {
    double[] ratios = new double[numerators.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = (double) numerators.getLong(i) / Math.max(1, denominators.getLong(i));
    }
    java.util.Arrays.sort(ratios);
    return ratios.length == 0 ? Double.NaN : ratios[ratios.length / 2];
  }

  private static double median(LongArrayList values) {
    long[] sorted = values.toLongArray();
    java.util.Arrays.sort(sorted);
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  private final boolean perRecordRounds =
      Boolean.parseBoolean(System.getProperty("etch.bench.perRecordRounds", "true"));

  /**
   * Whether the WAL variants other than the node's run in the rounds: each writes its own segments
   * (and zero-fills new ones), so leaving them out ({@code -Detch.bench.secondary=false}) leaves
   * the node's WAL and the floors alone on the disk, as a node's WAL is.
   */
  private final boolean secondaryRounds =
      Boolean.parseBoolean(System.getProperty("etch.bench.secondary", "true"));

  private boolean runs(int contender) {
    return switch (contender) {
      case PER_RECORD -> perRecordRounds;
      case WAL_INLINE, WAL_DSYNC -> secondaryRounds;
      case FLOOR_DIRECT -> directRounds;
      case WAL_BUFFERED -> walBufferedRounds;
      default -> true;
    };
  }

  /**
   * Whether the node's WAL on {@link WritePath#DIRECT_DSYNC} runs in the rounds ({@code
   * -Detch.bench.walBuffered=false} leaves it out).
   */
  private final boolean walBufferedRounds =
      Boolean.parseBoolean(System.getProperty("etch.bench.walBuffered", "true"));

  private long rounds;

  /**
   * One batch through each contender back to back, in a freshly shuffled order, timing each: the
   * node's WAL ({@code wal}: {@code DIRECT_DSYNC}, next segment prepared on an executor, the node's
   * segment size), the same on {@code BUFFERED_CHANNEL} ({@code walBuffered}, unless {@code
   * -Detch.bench.walBuffered=false}), the batched floor ({@code baselinePreallocated}), the WAL
   * without an executor ({@code walInline}), the per-record loop (unless {@code
   * -Detch.bench.perRecordRounds=false}), the node's WAL on O_DSYNC writes ({@code walDsync}; it
   * and {@code walInline} unless {@code -Detch.bench.secondary=false}), the floor on a mapped file
   * ({@code baselineMapped}, an A/A control of the floor) and the WAL's work without a barrier
   * ({@code walCpuOnly}: what the log adds on top of the I/O). All see the same disk conditions
   * (the machine is shared), so the ratio of their times is meaningful even when absolute figures
   * drift. Sum and median paired ratios are printed at the end of the trial.
   */
  @Benchmark
  public long interleaved(InterleavedNanos nanos) throws IOException {
    long total = 0;
    for (int k = sequence.length - 1; k > 0; k--) {
      int j = order.nextInt(k + 1);
      int t = sequence[k];
      sequence[k] = sequence[j];
      sequence[j] = t;
    }
    for (int k = 0; k < sequence.length; k++) {
      int which = sequence[k];
      if (!runs(which)) {
        continue;
      }
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      total +=
          switch (which) {
            case WAL -> wal();
            case FLOOR -> baselinePreallocated();
            case WAL_INLINE -> walInline();
            case PER_RECORD -> baselinePerRecord();
            case WAL_DSYNC -> walDsync();
            case FLOOR_MAPPED -> baselineMapped();
            case FLOOR_DIRECT -> baselineDirect();
            case WAL_BUFFERED -> walBuffered();
            default -> walCpuOnly();
          };
      long elapsed = System.nanoTime() - start;
      roundCpuNanos[which].addLong(threads.getCurrentThreadCpuTime() - cpuStart);
      roundNanos[which].addLong(elapsed);
      totalNanos[which] += elapsed;
      switch (which) {
        case WAL -> nanos.walNanos += elapsed;
        case FLOOR -> nanos.baselineNanos += elapsed;
        case WAL_INLINE -> nanos.walInlineNanos += elapsed;
        case WAL_DSYNC -> nanos.walDsyncNanos += elapsed;
        case WAL_CPU_ONLY -> nanos.walCpuOnlyNanos += elapsed;
        default -> {}
      }
    }
    rounds++;
    return total;
  }

  @Benchmark
  public long wal() {
    for (int i = 0; i < batch; i++) {
      wal.append(nextIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    wal.sync();
    return nextIndex;
  }

  /** The log's own CPU cost: {@link SyncPolicy#NEVER}, so sync() forces nothing. */
  @Benchmark
  public long walCpuOnly() {
    for (int i = 0; i < batch; i++) {
      walCpuOnly.append(nextCpuOnlyIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walCpuOnly.sync();
    return nextCpuOnlyIndex;
  }

  @Benchmark
  public long walSparse() {
    for (int i = 0; i < batch; i++) {
      walSparse.append(nextSparseIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walSparse.sync();
    return nextSparseIndex;
  }

  /** {@code wal} on {@link WritePath#BUFFERED_DSYNC}: the write issued by sync is the barrier. */
  @Benchmark
  public long walDsync() {
    for (int i = 0; i < batch; i++) {
      walDsync.append(nextDsyncIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walDsync.sync();
    return nextDsyncIndex;
  }

  /**
   * {@code wal} on {@link WritePath#DIRECT_DSYNC}: the block-aligned buffer written with O_DIRECT |
   * O_DSYNC, the partial last block rewritten by the next sync.
   */
  @Benchmark
  public long walBuffered() {
    for (int i = 0; i < batch; i++) {
      walBuffered.append(nextBufferedIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walBuffered.sync();
    return nextBufferedIndex;
  }

  /**
   * {@code wal} without a pre-allocation executor (the library default): the appending thread fills
   * the next segment in synced 1 MiB steps after its syncs.
   */
  @Benchmark
  public long walInline() {
    for (int i = 0; i < batch; i++) {
      walInline.append(nextInlineIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walInline.sync();
    return nextInlineIndex;
  }

  @Benchmark
  public long walMappedWrites() {
    for (int i = 0; i < batch; i++) {
      walMappedWrites.append(nextMappedIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walMappedWrites.sync();
    return nextMappedIndex;
  }

  @Benchmark
  public long baselinePreallocated() throws IOException {
    int length = batchBytes.capacity();
    if (preallocatedPosition + length > FILE_BYTES) {
      preallocatedPosition = 0;
    }
    batchBytes.clear();
    while (batchBytes.hasRemaining()) {
      preallocatedPosition += preallocated.write(batchBytes, preallocatedPosition);
    }
    preallocated.force(false);
    return preallocatedPosition;
  }

  /**
   * The batched floor on a file that is also mapped by chronicle-bytes, as every WAL segment is
   * (the mapping is never touched here): shows what holding the mapping costs the write path.
   */
  @Benchmark
  public long baselineMapped() throws IOException {
    int length = batchBytes.capacity();
    if (mappedPosition + length > FILE_BYTES) {
      mappedPosition = 0;
    }
    FileChannel channel = mappedFile.raf().getChannel();
    batchBytes.clear();
    while (batchBytes.hasRemaining()) {
      mappedPosition += channel.write(batchBytes, mappedPosition);
    }
    channel.force(false);
    return mappedPosition;
  }

  /**
   * The batch written with O_DIRECT | O_DSYNC: the staging buffer holds the block with the previous
   * batch's tail at its start, the batch is copied after it, and the whole blocks are written in
   * one call, which returns when they are on stable storage.
   */
  public long baselineDirect() throws IOException {
    int length = batchBytes.capacity();
    if (directPosition + length + directBlockBytes > FILE_BYTES) {
      directPosition = 0;
      directStaging.clear();
      for (int i = 0; i < directBlockBytes; i++) {
        directStaging.put(i, (byte) 0);
      }
    }
    int head = (int) (directPosition % directBlockBytes);
    long blockStart = directPosition - head;
    batchBytes.clear();
    directStaging.clear().position(head);
    directStaging.put(batchBytes);
    int end = head + length;
    int writeBytes = (end + directBlockBytes - 1) / directBlockBytes * directBlockBytes;
    for (int i = end; i < writeBytes; i++) {
      directStaging.put(i, (byte) 0); // a log's unwritten space reads as zeros
    }
    directStaging.position(0).limit(writeBytes);
    long at = blockStart;
    while (directStaging.hasRemaining()) {
      at += direct.write(directStaging, at);
    }
    directPosition += length;
    // keep the last, partly filled block at the start for the next batch
    int tailBlock = end / directBlockBytes * directBlockBytes;
    directStaging.clear();
    for (int i = 0; i < directBlockBytes; i++) {
      directStaging.put(i, directStaging.get(tailBlock + i));
    }
    return directPosition;
  }

  /** The plain loop without group commit: each record written and forced on its own. */
  @Benchmark
  public long baselinePerRecord() throws IOException {
    for (int i = 0; i < batch; i++) {
      if (preallocatedPosition + FRAME_BYTES > FILE_BYTES) {
        preallocatedPosition = 0;
      }
      batchBytes.clear().limit(FRAME_BYTES);
      while (batchBytes.hasRemaining()) {
        preallocatedPosition += preallocated.write(batchBytes, preallocatedPosition);
      }
      preallocated.force(false);
    }
    return preallocatedPosition;
  }

  @Benchmark
  public long baselineAppend() throws IOException {
    batchBytes.clear();
    while (batchBytes.hasRemaining()) {
      appending.write(batchBytes);
    }
    appending.force(false);
    return appending.position();
  }

  @Benchmark
  public long mappedMsync() throws IOException {
    int length = batchBytes.capacity();
    if (mappedPosition + length > FILE_BYTES) {
      mappedPosition = 0;
    }
    long address = mappedStore.addressForWrite(mappedPosition);
    mappedTarget.wrap(address, length);
    mappedTarget.putBytes(0, batchBytes, 0, length);
    mappedPosition += length;
    // msync(MS_SYNC) of exactly the dirty pages, as chronicle's syncUpTo does internally
    long start = address & ~(PAGE_BYTES - 1);
    if (posix.msync(start, address + length - start, MSyncFlag.MS_SYNC) != 0) {
      throw new IOException("msync failed: " + posix.lastErrorStr());
    }
    return mappedPosition;
  }
}
