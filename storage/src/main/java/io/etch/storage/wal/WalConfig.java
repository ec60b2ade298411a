package io.etch.storage.wal;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable settings of a {@link WriteAheadLog}; build with {@link #builder(Path)}.
 *
 * <p>The builder rejects inconsistent combinations with a message that names both sides of the
 * conflict (for example an entry limit that does not fit in a segment).
 */
public final class WalConfig {
  /** Default segment size: 64 MiB. */
  public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L << 20;

  /** Default limit on one entry's payload: 4 MiB. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 4 << 20;

  /** Smallest segment accepted (tests use small segments to exercise rolling). */
  public static final long MIN_SEGMENT_SIZE_BYTES = 4096;

  /** Segments are whole pages. */
  public static final long PAGE_BYTES = 4096;

  /** Largest segment accepted: offsets inside a segment are 31-bit. */
  public static final long MAX_SEGMENT_SIZE_BYTES = 1L << 30;

  private final Path directory;
  private final StorageFileSystem fileSystem;
  private final long segmentSizeBytes;
  private final int maxEntryBytes;
  private final SyncPolicy syncPolicy;
  private final java.util.concurrent.Executor preallocationExecutor;

  private WalConfig(Builder b) {
    this.preallocationExecutor = b.preallocationExecutor;
    this.directory = b.directory;
    this.fileSystem = b.fileSystem;
    this.segmentSizeBytes = b.segmentSizeBytes;
    this.maxEntryBytes = b.maxEntryBytes;
    this.syncPolicy = b.syncPolicy;
  }

  /** A builder for a log kept in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  public Path directory() {
    return directory;
  }

  public StorageFileSystem fileSystem() {
    return fileSystem;
  }

  public long segmentSizeBytes() {
    return segmentSizeBytes;
  }

  public int maxEntryBytes() {
    return maxEntryBytes;
  }

  public SyncPolicy syncPolicy() {
    return syncPolicy;
  }

  /** Executor preparing the next segment ahead of need, or {@code null} (created on demand). */
  public java.util.concurrent.Executor preallocationExecutor() {
    return preallocationExecutor;
  }

  /** Largest frame the log ever writes (an entry of {@link #maxEntryBytes()}). */
  int maxFrameBytes() {
    return WalRecordDescriptor.entryFrameLength(maxEntryBytes);
  }

  /** Bytes a fresh segment spends before its first entry: header plus carried-over records. */
  static int segmentPreambleBytes() {
    return WalRecordDescriptor.segmentHeaderFrameLength()
        + WalRecordDescriptor.frameLength(WalRecordDescriptor.HARD_STATE_BODY_LENGTH)
        + WalRecordDescriptor.frameLength(WalRecordDescriptor.SNAPSHOT_BODY_LENGTH);
  }

  @Override
  public String toString() {
    return "WalConfig{directory="
        + directory
        + ", segmentSizeBytes="
        + segmentSizeBytes
        + ", maxEntryBytes="
        + maxEntryBytes
        + ", syncPolicy="
        + syncPolicy
        + '}';
  }

  /** Builder of {@link WalConfig}; not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private StorageFileSystem fileSystem = new MappedFileSystem();
    private long segmentSizeBytes = DEFAULT_SEGMENT_SIZE_BYTES;
    private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private SyncPolicy syncPolicy = SyncPolicy.EVERY_BATCH;
    private java.util.concurrent.Executor preallocationExecutor;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The file system to use (a fault-injecting one in tests). */
    public Builder fileSystem(StorageFileSystem fileSystem) {
      this.fileSystem = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /** Size of every pre-allocated segment, a multiple of 4 KiB between 4 KiB and 1 GiB. */
    public Builder segmentSizeBytes(long segmentSizeBytes) {
      if (segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES
          || segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES
          || segmentSizeBytes % PAGE_BYTES != 0) {
        throw new IllegalArgumentException(
            "segmentSizeBytes must be a multiple of 4096 in ["
                + MIN_SEGMENT_SIZE_BYTES
                + ", "
                + MAX_SEGMENT_SIZE_BYTES
                + "], not "
                + segmentSizeBytes);
      }
      this.segmentSizeBytes = segmentSizeBytes;
      return this;
    }

    /** Largest payload of one entry. */
    public Builder maxEntryBytes(int maxEntryBytes) {
      if (maxEntryBytes < 0 || maxEntryBytes > MAX_SEGMENT_SIZE_BYTES) {
        throw new IllegalArgumentException(
            "maxEntryBytes must be in [0, " + MAX_SEGMENT_SIZE_BYTES + "], not " + maxEntryBytes);
      }
      this.maxEntryBytes = maxEntryBytes;
      return this;
    }

    /** When syncs reach stable storage; {@link SyncPolicy#NEVER} is for tests only. */
    public Builder syncPolicy(SyncPolicy syncPolicy) {
      this.syncPolicy = Objects.requireNonNull(syncPolicy, "syncPolicy");
      return this;
    }

    /**
     * Runs the zero-filling of the next segment on {@code executor} (the caller's, the log starts
     * no threads) instead of on the appending thread at the moment a segment fills up. The file
     * system must then be safe to use from that executor's thread ({@code MappedFileSystem} is).
     */
    public Builder preallocationExecutor(java.util.concurrent.Executor executor) {
      this.preallocationExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Validates the combination and builds the config. */
    public WalConfig build() {
      long needed =
          (long) segmentPreambleBytes() + WalRecordDescriptor.entryFrameLength(maxEntryBytes);
      if (needed > segmentSizeBytes) {
        throw new IllegalArgumentException(
            "maxEntryBytes "
                + maxEntryBytes
                + " needs segments of at least "
                + needed
                + " bytes, but segmentSizeBytes is "
                + segmentSizeBytes);
      }
      return new WalConfig(this);
    }
  }
}
