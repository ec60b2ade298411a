package io.etch.storage.snap;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import java.nio.file.Path;
import java.util.Objects;

/** Immutable settings of a {@link SnapshotStore}; build with {@link #builder(Path)}. */
public final class SnapshotConfig {
  /** Default number of snapshot files kept: the newest and one fallback. */
  public static final int DEFAULT_RETAIN_COUNT = 2;

  /** Default limit on one snapshot's payload: 16 GiB. */
  public static final long DEFAULT_MAX_PAYLOAD_BYTES = 16L << 30;

  private final Path directory;
  private final StorageFileSystem fileSystem;
  private final int retainCount;
  private final long maxPayloadBytes;

  private SnapshotConfig(Builder b) {
    this.directory = b.directory;
    this.fileSystem = b.fileSystem;
    this.retainCount = b.retainCount;
    this.maxPayloadBytes = b.maxPayloadBytes;
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  public Path directory() {
    return directory;
  }

  public StorageFileSystem fileSystem() {
    return fileSystem;
  }

  public int retainCount() {
    return retainCount;
  }

  public long maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Builder of {@link SnapshotConfig}; not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private StorageFileSystem fileSystem = new MappedFileSystem();
    private int retainCount = DEFAULT_RETAIN_COUNT;
    private long maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Builder fileSystem(StorageFileSystem fileSystem) {
      this.fileSystem = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /**
     * How many snapshot files to keep (at least 1; 2 or more lets a corrupt newest one fall back to
     * an older one).
     */
    public Builder retainCount(int retainCount) {
      if (retainCount < 1 || retainCount > 100) {
        throw new IllegalArgumentException("retainCount must be in [1, 100], not " + retainCount);
      }
      this.retainCount = retainCount;
      return this;
    }

    public Builder maxPayloadBytes(long maxPayloadBytes) {
      if (maxPayloadBytes < 0) {
        throw new IllegalArgumentException("maxPayloadBytes must be >= 0, not " + maxPayloadBytes);
      }
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    public SnapshotConfig build() {
      return new SnapshotConfig(this);
    }
  }
}
