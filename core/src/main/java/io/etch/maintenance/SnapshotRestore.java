package io.etch.maintenance;

import io.etch.CorruptBackupException;
import io.etch.DataDirLockedException;
import io.etch.EtcdNodeConfig;
import io.etch.InvalidArgumentException;
import io.etch.PeerAddress;
import io.etch.internal.backup.BackupReader;
import io.etch.internal.node.MemberDataDir;
import io.etch.storage.mvcc.MvccConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Builds the data directory of one member of a <em>new</em> cluster from a backup taken with {@link
 * Maintenance#snapshot} — the equivalent of {@code etcdutl snapshot restore}.
 *
 * <p>Run it once per member of the new cluster, each time with the same backup, the same {@code
 * initialCluster} and {@code clusterToken} and that member's name and directory; then start an
 * {@code EtcdNode} on each directory with those same settings. The new cluster has new member ids
 * and a new cluster id (derived from the names and the token, as for any new cluster), the store of
 * the backup (same revision, same compaction revision, same {@code hashKv}) and the replicated
 * state kept beside it (the alarms among them: disarm a NOSPACE alarm the backup carried once space
 * is freed). The Raft log of each directory starts with a snapshot at index 1 holding that store
 * and the new membership, exactly as a brand-new member's does.
 *
 * <pre>{@code
 * SnapshotRestore.builder()
 *     .backup(Path.of("backup.etch"))
 *     .memberName("n1")
 *     .dataDir(Path.of("/var/lib/etch/n1"))
 *     .initialCluster(Map.of("n1", a1, "n2", a2, "n3", a3))
 *     .clusterToken("restored-2026-11-21")
 *     .build()
 *     .restore();
 * }</pre>
 *
 * <p>The whole backup is verified (see {@link CorruptBackupException}) and restored in memory
 * before anything is written, so a corrupt backup leaves the target untouched. The target must be
 * absent or an empty directory.
 */
public final class SnapshotRestore {
  private final EtcdNodeConfig member;
  private final Path backupFile;
  private final InputStream backupStream;
  private final String backupSource;

  private SnapshotRestore(Builder b, EtcdNodeConfig member) {
    this.member = member;
    this.backupFile = b.backupFile;
    this.backupStream = b.backupStream;
    this.backupSource = b.backupFile != null ? b.backupFile.toString() : b.backupDescription;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What a restore founded. */
  public record Restored(
      Path dataDir,
      long memberId,
      long clusterId,
      long revision,
      long compactedRevision,
      long sourceClusterId,
      long sourceMemberId) {}

  /**
   * Verifies the backup and founds the member's data directory.
   *
   * @throws CorruptBackupException when the backup fails a check (nothing is written then)
   * @throws InvalidArgumentException when the data directory is not empty
   * @throws DataDirLockedException when a node holds the data directory
   * @throws UncheckedIOException when reading the backup or writing the directory fails
   */
  public Restored restore() {
    Path dataDir = member.dataDir();
    requireEmpty(dataDir);
    MvccConfig mvcc =
        MvccConfig.builder()
            .maxKeyBytes(MvccConfig.DEFAULT_MAX_KEY_BYTES)
            .maxValueBytes((int) member.maxRequestBytes())
            .maxTxnOps(member.maxTxnOps())
            .build();
    BackupReader.Backup backup;
    if (backupFile != null) {
      try (InputStream in = Files.newInputStream(backupFile)) {
        backup = BackupReader.read(in, backupSource, mvcc);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read backup " + backupFile, e);
      }
    } else {
      backup = BackupReader.read(backupStream, backupSource, mvcc);
    }
    MemberDataDir.found(member, backup.restored().store().view(), backup.restored().extra());
    return new Restored(
        dataDir,
        member.memberId(),
        member.initialClusterId().orElseThrow(),
        backup.header().revision(),
        backup.header().compactedRevision(),
        backup.header().clusterId(),
        backup.header().memberId());
  }

  private static void requireEmpty(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return; // absent (EtcdNodeConfig refused an existing non-directory)
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      if (entries.findAny().isPresent()) {
        throw new InvalidArgumentException(
            "dataDir", dataDir + " is not empty: restore only into an absent or empty directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dataDir, e);
    }
  }

  /**
   * Settings of a restore; {@link #build()} checks them as {@code EtcdNodeConfig} checks a node's
   * (name, directory, initial cluster, token, limits) and rejects misuse with an {@link
   * InvalidArgumentException} naming the setting.
   */
  public static final class Builder {
    private Path backupFile;
    private InputStream backupStream;
    private String backupDescription;
    private String memberName;
    private Path dataDir;
    private Map<String, PeerAddress> initialCluster;
    private String clusterToken;
    private long maxRequestBytes = -1;

    private Builder() {}

    /** The backup file, as written from {@link Maintenance#snapshot}. */
    public Builder backup(Path file) {
      this.backupFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * The backup as a stream (read to its end, not closed); {@code description} names it in errors.
     */
    public Builder backup(InputStream in, String description) {
      this.backupStream = Objects.requireNonNull(in, "in");
      this.backupDescription = Objects.requireNonNull(description, "description");
      return this;
    }

    /** The member this directory is for; must be a key of {@link #initialCluster}. */
    public Builder memberName(String memberName) {
      this.memberName = Objects.requireNonNull(memberName, "memberName");
      return this;
    }

    /** The directory to found: absent or empty. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Every member of the new cluster, name to peer address (what the nodes will be given). */
    public Builder initialCluster(Map<String, PeerAddress> members) {
      this.initialCluster = new LinkedHashMap<>(Objects.requireNonNull(members, "members"));
      return this;
    }

    /** The new cluster's token (default {@code "etcd-cluster"}); use a new one per restore. */
    public Builder clusterToken(String clusterToken) {
      this.clusterToken = Objects.requireNonNull(clusterToken, "clusterToken");
      return this;
    }

    /**
     * The {@code maxRequestBytes} the new nodes will run with (default as {@code EtcdNodeConfig}):
     * the largest value the backup may hold.
     */
    public Builder maxRequestBytes(long maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * @throws InvalidArgumentException naming the setting: no backup or two, a missing name or
     *     directory, a member not in the initial cluster, or any rule of {@code EtcdNodeConfig}
     */
    public SnapshotRestore build() {
      if ((backupFile == null) == (backupStream == null)) {
        throw new InvalidArgumentException(
            "backup",
            backupFile == null
                ? "a backup is required: backup(Path) or backup(InputStream, String)"
                : "backup(Path) and backup(InputStream, String) are exclusive: set one");
      }
      if (memberName == null) {
        throw new InvalidArgumentException("memberName", "memberName is required");
      }
      if (initialCluster == null || !initialCluster.containsKey(memberName)) {
        throw new InvalidArgumentException(
            "initialCluster", "initialCluster must name member " + memberName);
      }
      EtcdNodeConfig.Builder config =
          EtcdNodeConfig.builder()
              .memberName(memberName)
              .peerListen(initialCluster.get(memberName))
              .initialCluster(initialCluster);
      if (dataDir != null) {
        config.dataDir(dataDir);
      }
      if (clusterToken != null) {
        config.clusterToken(clusterToken);
      }
      if (maxRequestBytes >= 0) {
        config.maxRequestBytes(maxRequestBytes);
      }
      return new SnapshotRestore(this, config.build());
    }
  }
}
