package io.etch.internal.node;

import io.etch.DataDirLockedException;
import io.etch.EtcdNodeConfig;
import io.etch.PeerAddress;
import io.etch.cluster.Member;
import io.etch.cluster.MemberIds;
import io.etch.internal.membership.MembershipTable;
import io.etch.internal.raftlog.RaftLogConfig;
import io.etch.internal.raftlog.WalRaftStorage;
import io.etch.raft.ConfState;
import io.etch.storage.fs.DataDirectoryLock;
import io.etch.storage.fs.DataDirectoryLockedException;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.snap.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A member's data directory: where its Raft log lives ({@code <dataDir>/raft}) and how a brand-new
 * one is founded. One code path founds a directory both for a node starting a new cluster (the
 * empty store) and for {@code SnapshotRestore} (a store restored from a backup): a snapshot at
 * index 1, term 1 holding the initial voters and the store, and the hard state (term 1, commit 1).
 */
public final class MemberDataDir {
  static final long WAL_SEGMENT_BYTES = 16L << 20;

  private MemberDataDir() {}

  /** Opens (creating if new) and recovers the Raft log of {@code dataDir}. */
  static WalRaftStorage openLog(Path dataDir, long snapshotCount) {
    return openLog(dataDir, snapshotCount, new MappedFileSystem());
  }

  /** As {@link #openLog(Path, long)}, through {@code fileSystem} (the storage SPI option). */
  static WalRaftStorage openLog(Path dataDir, long snapshotCount, StorageFileSystem fileSystem) {
    return WalRaftStorage.open(logConfig(dataDir, snapshotCount, fileSystem).build());
  }

  /**
   * As {@link #openLog(Path, long, StorageFileSystem)}, preparing each next WAL segment on {@code
   * preallocation} (a thread the node owns), so the owner thread's syncs never write the zeros.
   */
  static WalRaftStorage openLog(
      Path dataDir, long snapshotCount, StorageFileSystem fileSystem, Executor preallocation) {
    return WalRaftStorage.open(
        logConfig(dataDir, snapshotCount, fileSystem).preallocationExecutor(preallocation).build());
  }

  private static RaftLogConfig.Builder logConfig(
      Path dataDir, long snapshotCount, StorageFileSystem fileSystem) {
    return RaftLogConfig.builder(dataDir.resolve("raft"))
        .fileSystem(fileSystem)
        .segmentSizeBytes(WAL_SEGMENT_BYTES)
        .snapshotCatchUpEntries(
            Math.min(RaftLogConfig.DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES, snapshotCount));
  }

  /**
   * Founds {@code wal} when it is brand new (no entry, no snapshot) with the voters and the state
   * machine {@code stateMachine} writes (an MVCC snapshot at applied index 1); false when it is not
   * new (a restart), in which case nothing is written.
   */
  static boolean bootstrapIfNew(WalRaftStorage wal, long[] voterIds, SnapshotWriter stateMachine) {
    if (wal.lastIndex() != 0 || !wal.restartState().snapshot().isEmpty()) {
      return false;
    }
    wal.bootstrap(ConfState.of(voterIds, new long[0]), stateMachine);
    return true;
  }

  /** The Raft ids of the initial cluster's members, registered in {@code ids}. */
  static long[] initialVoters(EtcdNodeConfig config, RaftIds ids) {
    Map<String, PeerAddress> members = config.initialCluster();
    long[] voters = new long[members.size()];
    int i = 0;
    for (String name : members.keySet()) {
      voters[i++] = ids.register(MemberIds.memberId(config.clusterToken(), name));
    }
    return voters;
  }

  /**
   * Founds the data directory of {@code config}'s member (which must hold no Raft log yet) with
   * {@code view} as its store and {@code extra} as the replicated state beside it (its membership
   * section replaced by {@code config.initialCluster()}'s), under that membership; a node started
   * with {@code config} then joins the new cluster with that data.
   *
   * @throws DataDirLockedException when a node holds the directory
   * @throws IllegalStateException when the directory already holds a Raft log
   */
  public static void found(EtcdNodeConfig config, MvccView view, byte[] extra) {
    long[] voters = initialVoters(config, new RaftIds());
    DataDirectoryLock lock;
    try {
      lock = DataDirectoryLock.acquire(config.dataDir());
    } catch (DataDirectoryLockedException e) {
      throw new DataDirLockedException(config.dataDir());
    }
    try (lock;
        WalRaftStorage wal = openLog(config.dataDir(), config.snapshotCount())) {
      MembershipTable table = new MembershipTable();
      List<Member> members = new ArrayList<>();
      for (Map.Entry<String, PeerAddress> m : config.initialCluster().entrySet()) {
        members.add(
            new Member(
                MemberIds.memberId(config.clusterToken(), m.getKey()),
                m.getKey(),
                m.getValue(),
                false));
      }
      table.reset(config.initialClusterId().orElseThrow(), members);
      byte[] ours = Applier.withMembership(extra, table);
      if (!bootstrapIfNew(wal, voters, out -> view.writeSnapshot(out, 1, ours))) {
        throw new IllegalStateException(config.dataDir() + " already holds a Raft log");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of " + config.dataDir(), e);
    }
  }
}
