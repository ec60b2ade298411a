package io.etch.examples;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.maintenance.HashKvResponse;
import io.etch.maintenance.SnapshotResponse;
import io.etch.maintenance.SnapshotRestore;
import io.etch.options.GetOption;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backup and restore, the equivalent of {@code etcdctl snapshot save} and {@code etcdutl snapshot
 * restore}.
 *
 * <p>A backup is a consistent point-in-time copy of the whole store, streamed from a member while
 * writes go on, with a checksum. Restoring builds the data directories of a <em>new</em> cluster
 * (new names, new addresses, new ids) holding exactly that data: {@code hashKv} at the backup's
 * revision is equal on both sides.
 */
public final class BackupRestoreExample {
  private BackupRestoreExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = LocalCluster.tempDir("etch-backup");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    Path backup = dir.resolve("cluster.backup");
    long backupRevision;
    long sourceHash;
    try (LocalCluster source = LocalCluster.start(dir.resolve("source"), "a", "b", "c")) {
      EtcdNode member = source.node(0);
      for (int i = 0; i < 100; i++) {
        member.kv().put(ByteSequence.from("/orders/" + i), ByteSequence.from("order " + i)).join();
      }
      // 1. Back up from any member (it streams the member's applied state).
      SnapshotResponse saved;
      try (OutputStream file = Files.newOutputStream(backup)) {
        saved = member.maintenance().snapshot(file).join();
      }
      backupRevision = saved.header().revision();
      sourceHash = member.maintenance().hashKv(backupRevision).join().hash();
      out.printf(
          "  backup: %d bytes at revision %d, checksum %08x%n",
          saved.sizeBytes(), backupRevision, saved.checksum());
    }

    // 2. Restore into a new 3-member cluster: one data directory per new member.
    Map<String, PeerAddress> newCluster = new LinkedHashMap<>();
    for (String name : new String[] {"x", "y", "z"}) {
      newCluster.put(
          name, new PeerAddress("127.0.0.1", LocalCluster.freePort(newCluster.values())));
    }
    for (String name : newCluster.keySet()) {
      SnapshotRestore.Restored r =
          SnapshotRestore.builder()
              .backup(backup)
              .memberName(name)
              .dataDir(dir.resolve("restored").resolve(name))
              .initialCluster(newCluster)
              .clusterToken("restored-cluster")
              .build()
              .restore();
      out.println("  restored member " + name + " at revision " + r.revision());
    }

    // 3. Start the new cluster on those directories: the same data, the same hash.
    try (LocalCluster restored =
        LocalCluster.startExisting(dir.resolve("restored"), newCluster, "restored-cluster")) {
      EtcdNode member = restored.node(1);
      long count =
          member
              .kv()
              .get(
                  ByteSequence.from("/orders/"),
                  GetOption.builder().isPrefix(true).withCountOnly(true).build())
              .join()
              .count();
      HashKvResponse hash = member.maintenance().hashKv(backupRevision).join();
      out.printf(
          "  new cluster reads %d orders; hashKv at revision %d: %08x (source %08x) %s%n",
          count,
          backupRevision,
          hash.hash(),
          sourceHash,
          hash.hash() == sourceHash ? "equal" : "DIFFERENT");
      if (hash.hash() != sourceHash) {
        throw new IllegalStateException("restored data differs from the backup");
      }
    }
    out.println("Backup and restore example done.");
  }
}
