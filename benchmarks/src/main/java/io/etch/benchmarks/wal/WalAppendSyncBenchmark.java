package io.etch.benchmarks.wal;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.Preallocation;
import io.etch.storage.fs.WritePath;
import io.etch.storage.wal.SyncPolicy;
import io.etch.storage.wal.WalConfig;
import io.etch.storage.wal.WalRecordDescriptor;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
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
 *   <li>{@code wal}: {@link WriteAheadLog#append} x batch + {@link WriteAheadLog#sync()} (mapped
 *       segments, default {@link WritePath#BUFFERED_CHANNEL}: one positional write per sync, then
 *       fdatasync through {@code FileChannel.force(false)}).
 *   <li>{@code walPreallocating}: {@code wal} with {@link WalConfig.Builder#preallocationExecutor}
 *       set to a single background thread, so the next 64 MiB segment is zero-filled ahead of need
 *       instead of at the roll.
 *   <li>{@code walSparse}: {@code wal} on {@link Preallocation#SPARSE} segments (length set, no
 *       zeros written).
 *   <li>{@code walDsync}: {@code wal} with {@link WritePath#BUFFERED_DSYNC}: the buffered frames go
 *       out with one positional write on an O_DSYNC channel, which is itself the barrier.
 *   <li>{@code walMappedWrites}: the same with {@link WritePath#MAPPED_MEMORY} (appends are memory
 *       copies into the mapping).
 *   <li>{@code baselinePreallocated}: the same frame bytes (296 per record) written with one {@link
 *       FileChannel#write} at the next position of a zero-filled pre-allocated file, then {@code
 *       force(false)}: the physical floor for a durable batch.
 *   <li>{@code baselineMapped}: {@code baselinePreallocated} on a file held mapped by
 *       chronicle-bytes (never touched through the mapping), as the WAL's segments are.
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
 * {@code -Detch.bench.perRecordRounds=false} leaves the per-record loop out of {@link #interleaved}
 * (at batch 256 it is 256 fsyncs per round and limits a run to a few hundred rounds, so segment
 * rolls rarely fall inside the window; without it they do). {@code -Detch.bench.segmentBytes} sets
 * the WAL segment size (default 64 MiB; smaller makes segment rolls, and so pre-allocation, visible
 * within a short run). Files live under {@code -Detch.bench.dir} (default {@code
 * benchmarks/target/wal-bench}), on the same file system as the build.
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

  @Param({"1", "16", "256"})
  public int batch;

  private Path dir;
  private WriteAheadLog wal;
  private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
  private long nextIndex;
  private WriteAheadLog walMappedWrites;
  private WriteAheadLog walPreallocating;
  private WriteAheadLog walSparse;
  private WriteAheadLog walCpuOnly;
  private WriteAheadLog walDsync;
  private long nextDsyncIndex;
  private long nextCpuOnlyIndex;
  private long nextSparseIndex;
  private long nextPreallocatingIndex;
  private ExecutorService preallocationThread;
  private long nextMappedIndex;

  private FileChannel preallocated;
  private long preallocatedPosition;
  private FileChannel appending;
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

    long segmentBytes =
        Long.getLong("etch.bench.segmentBytes", WalConfig.DEFAULT_SEGMENT_SIZE_BYTES);
    wal =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
                .syncPolicy(SyncPolicy.EVERY_BATCH)
                .build());
    nextIndex = wal.lastIndex() + 1;
    walMappedWrites =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-mapped-writes"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
                .fileSystem(new MappedFileSystem(WritePath.MAPPED_MEMORY))
                .build());
    nextMappedIndex = walMappedWrites.lastIndex() + 1;
    preallocationThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "wal-segment-preallocation");
              t.setDaemon(true);
              return t;
            });
    walPreallocating =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-preallocating"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
                .preallocationExecutor(preallocationThread)
                .build());
    nextPreallocatingIndex = walPreallocating.lastIndex() + 1;
    walSparse =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-sparse"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
                .fileSystem(new MappedFileSystem(WritePath.BUFFERED_CHANNEL, Preallocation.SPARSE))
                .build());
    nextSparseIndex = walSparse.lastIndex() + 1;
    walDsync =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-dsync"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
                .fileSystem(new MappedFileSystem(WritePath.BUFFERED_DSYNC))
                .build());
    nextDsyncIndex = walDsync.lastIndex() + 1;
    walCpuOnly =
        WriteAheadLog.open(
            WalConfig.builder(dir.resolve("wal-cpu-only"))
                .segmentSizeBytes(segmentBytes)
                .maxEntryBytes(64 << 10)
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

    Path mapped = dir.resolve("mapped.bin");
    try (FileChannel ch =
        FileChannel.open(mapped, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      zeroFill(ch, FILE_BYTES);
    }
    mappedFile = MappedFile.ofSingle(mapped.toFile(), FILE_BYTES, false);
    mappedStore = mappedFile.acquireByteStore(owner, 0);
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
      System.out.printf(
          "%nINTERLEAVED batch=%d rounds=%d: median over rounds of the per-round ratio"
              + " (batched floor time / contender time, same round): wal %.3f,"
              + " wal(prepared ahead) %.3f, wal(O_DSYNC) %.3f, per-record loop %.3f,"
              + " batched floor on a mapped file %.3f%n",
          batch,
          rounds,
          medianRatio(roundNanos[1], roundNanos[0]),
          medianRatio(roundNanos[1], roundNanos[2]),
          medianRatio(roundNanos[1], roundNanos[4]),
          perRecordRounds ? medianRatio(roundNanos[1], roundNanos[3]) : Double.NaN,
          medianRatio(roundNanos[1], roundNanos[5]));
      System.out.printf(
          "%nINTERLEAVED batch=%d rounds=%d: wal / per-record write+force loop = %.3f;"
              + " ratios to the batched floor (one write+force per batch): wal %.3f,"
              + " wal(next segment prepared ahead) %.3f, wal(O_DSYNC writes) %.3f (mean us per"
              + " batch: wal %.1f, wal(prepared ahead) %.1f, batched floor %.1f, wal(O_DSYNC) %.1f,"
              + " per-record loop %.1f)%n",
          batch,
          rounds,
          (double) totalPerRecordNanos / totalWalNanos,
          (double) totalBaselineNanos / totalWalNanos,
          (double) totalBaselineNanos / totalWalPreallocatingNanos,
          (double) totalBaselineNanos / totalWalDsyncNanos,
          totalWalNanos / 1e3 / rounds,
          totalWalPreallocatingNanos / 1e3 / rounds,
          totalBaselineNanos / 1e3 / rounds,
          totalWalDsyncNanos / 1e3 / rounds,
          totalPerRecordNanos / 1e3 / rounds);
    }
    wal.close();
    walMappedWrites.close();
    walPreallocating.close();
    walSparse.close();
    walCpuOnly.close();
    walDsync.close();
    preallocationThread.shutdown();
    preallocated.close();
    appending.close();
    mappedStore.release(owner);
    mappedFile.releaseLast();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Nanoseconds spent per contender in {@link #interleaved}, reported per iteration by JMH. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class InterleavedNanos {
    public long walNanos;
    public long baselineNanos;
    public long walDsyncNanos;
    public long baselineMappedNanos;
    public long walPreallocatingNanos;
    public long perRecordNanos;

    @Setup(Level.Iteration)
    public void reset() {
      perRecordNanos = 0;
      walPreallocatingNanos = 0;
      walNanos = 0;
      baselineNanos = 0;
      walDsyncNanos = 0;
      baselineMappedNanos = 0;
    }
  }

  private long totalWalNanos;
  private long totalBaselineNanos;
  private long totalWalDsyncNanos;
  private long totalBaselineMappedNanos;
  private long totalWalPreallocatingNanos;

  /** Seeded shuffle of the contenders' order each round, so none always follows another. */
  private final Random order = new Random(1);

  private final int[] sequence = {0, 1, 2, 3, 4, 5};

  /**
   * Each contender's time in each round, by contender: a round's contenders ran back to back, so
   * the ratio within a round is a paired comparison and its median over rounds ignores the
   * machine's spikes (a stall of another process hits one contender of one round).
   */
  private final LongArrayList[] roundNanos = new LongArrayList[sequence.length];

  {
    for (int i = 0; i < roundNanos.length; i++) {
      roundNanos[i] = new LongArrayList();
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

  private final boolean perRecordRounds =
      Boolean.parseBoolean(System.getProperty("etch.bench.perRecordRounds", "true"));
  private long totalPerRecordNanos;
  private long rounds;

  /**
   * One batch through each contender back to back, in a freshly shuffled order, timing each: {@code
   * wal}, the batched floor ({@code baselinePreallocated}), {@code walPreallocating}, the
   * per-record loop (unless {@code -Detch.bench.perRecordRounds=false}), {@code walDsync} and the
   * floor on a mapped file ({@code baselineMapped}, an A/A control of the floor). All see the same
   * disk conditions (the machine is shared), so the ratio of their times is meaningful even when
   * absolute figures drift. Sum and median paired ratios are printed at the end of the trial.
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
      long start = System.nanoTime();
      total +=
          switch (which) {
            case 0 -> wal();
            case 1 -> baselinePreallocated();
            case 2 -> walPreallocating();
            case 3 -> perRecordRounds ? baselinePerRecord() : 0;
            case 5 -> baselineMapped();
            default -> walDsync();
          };
      long elapsed = System.nanoTime() - start;
      roundNanos[which].addLong(elapsed);
      switch (which) {
        case 0 -> nanos.walNanos += elapsed;
        case 1 -> nanos.baselineNanos += elapsed;
        case 2 -> nanos.walPreallocatingNanos += elapsed;
        case 3 -> nanos.perRecordNanos += elapsed;
        case 5 -> nanos.baselineMappedNanos += elapsed;
        default -> nanos.walDsyncNanos += elapsed;
      }
      switch (which) {
        case 0 -> totalWalNanos += elapsed;
        case 1 -> totalBaselineNanos += elapsed;
        case 2 -> totalWalPreallocatingNanos += elapsed;
        case 3 -> totalPerRecordNanos += elapsed;
        case 5 -> totalBaselineMappedNanos += elapsed;
        default -> totalWalDsyncNanos += elapsed;
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

  @Benchmark
  public long walPreallocating() {
    for (int i = 0; i < batch; i++) {
      walPreallocating.append(nextPreallocatingIndex++, 1, (byte) 0, payload, 0, PAYLOAD_BYTES);
    }
    walPreallocating.sync();
    return nextPreallocatingIndex;
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
