package io.etch.internal.raftlog;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import io.etch.storage.snap.SnapshotConfig;
import io.etch.storage.wal.SyncPolicy;
import io.etch.storage.wal.WalConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Immutable settings of a {@link WalRaftStorage}; build with {@link #builder(Path)}.
 *
 * <p>The member's data directory holds {@code wal/} (the write-ahead log) and {@code snap/} (the
 * snapshot files). The builder rejects inconsistent combinations with a message naming both sides.
 */
public final class RaftLogConfig {
  /** etcd's {@code snapshotCatchUpEntries}: entries kept behind a snapshot for slow followers. */
  public static final long DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5000;

  /** Default bound on the recent-entry cache. */
  public static final long DEFAULT_ENTRY_CACHE_MAX_BYTES = 4L << 20;

  /** SnapshotConfig's largest retain count: the stores never prune by count themselves. */
  private static final int MAX_STORE_RETAIN_COUNT = 100;

  private final Path directory;
  private final StorageFileSystem fileSystem;
  private final long segmentSizeBytes;
  private final int maxEntryBytes;
  private final SyncPolicy syncPolicy;
  private final int snapshotRetainCount;
  private final long maxSnapshotBytes;
  private final long snapshotCatchUpEntries;
  private final long entryCacheMaxBytes;
  private final Executor preallocationExecutor;

  private RaftLogConfig(Builder b) {
    this.directory = b.directory;
    this.fileSystem = b.fileSystem;
    this.segmentSizeBytes = b.segmentSizeBytes;
    this.maxEntryBytes = b.maxEntryBytes;
    this.syncPolicy = b.syncPolicy;
    this.snapshotRetainCount = b.snapshotRetainCount;
    this.maxSnapshotBytes = b.maxSnapshotBytes;
    this.snapshotCatchUpEntries = b.snapshotCatchUpEntries;
    this.entryCacheMaxBytes = b.entryCacheMaxBytes;
    this.preallocationExecutor = b.preallocationExecutor;
  }

  /** A builder for the Raft log kept under {@code directory} (the member's data directory). */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  public Path directory() {
    return directory;
  }

  public StorageFileSystem fileSystem() {
    return fileSystem;
  }

  /** Entries kept in the log behind a new snapshot, so slow followers catch up from the log. */
  public long snapshotCatchUpEntries() {
    return snapshotCatchUpEntries;
  }

  /** Upper bound of the recent-entry cache ({@link io.etch.raft.Entry#sizeBytes()} summed). */
  public long entryCacheMaxBytes() {
    return entryCacheMaxBytes;
  }

  public int maxEntryBytes() {
    return maxEntryBytes;
  }

  WalConfig walConfig() {
    WalConfig.Builder b =
        WalConfig.builder(directory.resolve("wal"))
            .fileSystem(fileSystem)
            .segmentSizeBytes(segmentSizeBytes)
            .maxEntryBytes(maxEntryBytes)
            .syncPolicy(syncPolicy);
    if (preallocationExecutor != null) {
      b.preallocationExecutor(preallocationExecutor);
    }
    return b.build();
  }

  SnapshotConfig snapshotConfig() {
    return SnapshotConfig.builder(directory.resolve("snap"))
        .fileSystem(fileSystem)
        .retainCount(snapshotRetainCount)
        .maxPayloadBytes(maxSnapshotBytes)
        .build();
  }

  /**
   * The settings of {@link WalRaftStorage}'s snapshot stores: {@link #snapshotConfig()} with the
   * store's own count-based pruning off (the largest retain count), since {@link SnapshotPruner}
   * prunes relative to the snapshot the WAL records instead.
   */
  SnapshotConfig storeConfig() {
    return SnapshotConfig.builder(directory.resolve("snap"))
        .fileSystem(fileSystem)
        .retainCount(MAX_STORE_RETAIN_COUNT)
        .maxPayloadBytes(maxSnapshotBytes)
        .build();
  }

  int snapshotRetainCount() {
    return snapshotRetainCount;
  }

  @Override
  public String toString() {
    return "RaftLogConfig{directory="
        + directory
        + ", segmentSizeBytes="
        + segmentSizeBytes
        + ", maxEntryBytes="
        + maxEntryBytes
        + ", syncPolicy="
        + syncPolicy
        + ", snapshotRetainCount="
        + snapshotRetainCount
        + ", maxSnapshotBytes="
        + maxSnapshotBytes
        + ", snapshotCatchUpEntries="
        + snapshotCatchUpEntries
        + ", entryCacheMaxBytes="
        + entryCacheMaxBytes
        + '}';
  }

  /** Builder of {@link RaftLogConfig}; not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private StorageFileSystem fileSystem = new MappedFileSystem();
    private long segmentSizeBytes = WalConfig.DEFAULT_SEGMENT_SIZE_BYTES;
    private int maxEntryBytes = WalConfig.DEFAULT_MAX_ENTRY_BYTES;
    private SyncPolicy syncPolicy = SyncPolicy.EVERY_BATCH;
    private int snapshotRetainCount = SnapshotConfig.DEFAULT_RETAIN_COUNT;
    private long maxSnapshotBytes = SnapshotConfig.DEFAULT_MAX_PAYLOAD_BYTES;
    private long snapshotCatchUpEntries = DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES;
    private long entryCacheMaxBytes = DEFAULT_ENTRY_CACHE_MAX_BYTES;
    private Executor preallocationExecutor;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The file system (a fault-injecting one in tests). */
    public Builder fileSystem(StorageFileSystem fileSystem) {
      this.fileSystem = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /** WAL segment size; validated by {@link WalConfig.Builder#segmentSizeBytes}. */
    public Builder segmentSizeBytes(long segmentSizeBytes) {
      this.segmentSizeBytes = segmentSizeBytes;
      return this;
    }

    /** Largest payload of one entry; validated against the segment size at {@link #build()}. */
    public Builder maxEntryBytes(int maxEntryBytes) {
      this.maxEntryBytes = maxEntryBytes;
      return this;
    }

    /**
     * An executor (the node's, never a hidden pool) on which the WAL prepares its next segment
     * ahead of need, taking the zero-fill off the commit path; without one, segments are created
     * when needed.
     */
    public Builder preallocationExecutor(Executor executor) {
      this.preallocationExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** {@link SyncPolicy#NEVER} is for tests only. */
    public Builder syncPolicy(SyncPolicy syncPolicy) {
      this.syncPolicy = Objects.requireNonNull(syncPolicy, "syncPolicy");
      return this;
    }

    /**
     * Snapshot files kept, at least 2: writing a snapshot prunes old files before its WAL marker is
     * durable, so the snapshot the WAL still records must survive the write of the next one (and a
     * corrupt newest one can fall back to the previous).
     */
    public Builder snapshotRetainCount(int snapshotRetainCount) {
      if (snapshotRetainCount < 2) {
        throw new IllegalArgumentException(
            "snapshotRetainCount must be >= 2 (the snapshot the WAL records must outlive the write"
                + " of the next one), not "
                + snapshotRetainCount);
      }
      this.snapshotRetainCount = snapshotRetainCount;
      return this;
    }

    /** Largest snapshot payload accepted (written or received). */
    public Builder maxSnapshotBytes(long maxSnapshotBytes) {
      this.maxSnapshotBytes = maxSnapshotBytes;
      return this;
    }

    /** Entries kept behind a snapshot (etcd: 5000); 0 compacts up to the snapshot itself. */
    public Builder snapshotCatchUpEntries(long snapshotCatchUpEntries) {
      if (snapshotCatchUpEntries < 0) {
        throw new IllegalArgumentException(
            "snapshotCatchUpEntries must be >= 0, not " + snapshotCatchUpEntries);
      }
      this.snapshotCatchUpEntries = snapshotCatchUpEntries;
      return this;
    }

    /** Bound of the recent-entry cache in bytes; 0 disables it. */
    public Builder entryCacheMaxBytes(long entryCacheMaxBytes) {
      if (entryCacheMaxBytes < 0) {
        throw new IllegalArgumentException(
            "entryCacheMaxBytes must be >= 0, not " + entryCacheMaxBytes);
      }
      this.entryCacheMaxBytes = entryCacheMaxBytes;
      return this;
    }

    /**
     * Validates the combination (by building the WAL and snapshot settings) and builds.
     *
     * @throws IllegalArgumentException naming the conflicting settings
     */
    public RaftLogConfig build() {
      RaftLogConfig config = new RaftLogConfig(this);
      config.walConfig();
      config.snapshotConfig();
      return config;
    }
  }
}
