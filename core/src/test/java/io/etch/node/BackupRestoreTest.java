package io.etch.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.CorruptBackupException;
import io.etch.EtcdNode;
import io.etch.InvalidArgumentException;
import io.etch.PeerAddress;
import io.etch.maintenance.HashKvResponse;
import io.etch.maintenance.SnapshotResponse;
import io.etch.maintenance.SnapshotRestore;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken with {@code maintenance().snapshot} under write load restore, with {@link
 * SnapshotRestore}, into a new cluster (new names, addresses, token) holding exactly the data of
 * the backup's revision.
 */
class BackupRestoreTest {
  @TempDir Path dir;

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  @Test
  void aBackupTakenUnderWriteLoadRestoresIntoANewThreeMemberCluster() throws Exception {
    List<EtcdNode> restoredNodes = new ArrayList<>();
    try (TestCluster source =
        new TestCluster(dir.resolve("source"), 3, b -> b.snapshotCount(100)).start()) {
      EtcdNode member = source.nodes.get(1);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong written = new AtomicLong();
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int writer = t;
        EtcdNode via = source.nodes.get(t);
        Thread w =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    via.kv().put(bs("w" + writer + "/" + (i % 150)), bs("v" + i)).join();
                    if (i % 50 == 49) {
                      via.kv()
                          .delete(
                              bs("w" + writer + "/1"),
                              DeleteOption.builder().isPrefix(true).build())
                          .join();
                    }
                    written.incrementAndGet();
                  }
                },
                "writer-" + t);
        w.start();
        writers.add(w);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= 400);
      long before = TestCluster.status(member).revision();
      ByteArrayOutputStream backup = new ByteArrayOutputStream();
      SnapshotResponse taken = member.maintenance().snapshot(backup).join();
      long revision = taken.header().revision();
      long atBackup = written.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= atBackup + 200);
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
      assertTrue(revision >= before, "backup revision " + revision + " < " + before);
      assertTrue(
          TestCluster.status(member).revision() > revision, "writes went on during the backup");
      assertEquals(backup.size(), taken.sizeBytes());

      HashKvResponse expected = member.maintenance().hashKv(revision).join();
      for (EtcdNode n : source.nodes) {
        assertEquals(expected.hash(), n.maintenance().hashKv(revision).join().hash());
      }

      Map<String, PeerAddress> cluster = new LinkedHashMap<>();
      for (String name : List.of("r1", "r2", "r3")) {
        cluster.put(name, new PeerAddress("127.0.0.1", TestCluster.freePort()));
      }
      Path file = dir.resolve("backup.etch");
      Files.write(file, backup.toByteArray());
      for (String name : cluster.keySet()) {
        SnapshotRestore.Restored r =
            SnapshotRestore.builder()
                .backup(file)
                .memberName(name)
                .dataDir(dir.resolve("restored").resolve(name))
                .initialCluster(cluster)
                .clusterToken("restored-cluster")
                .build()
                .restore();
        assertEquals(revision, r.revision());
        assertEquals(member.config().initialClusterId().orElseThrow(), r.sourceClusterId());
        assertEquals(member.memberId(), r.sourceMemberId());
        assertNotEquals(r.sourceClusterId(), r.clusterId());
      }
      for (String name : cluster.keySet()) {
        restoredNodes.add(
            EtcdNode.builder()
                .memberName(name)
                .dataDir(dir.resolve("restored").resolve(name))
                .peerListen(cluster.get(name))
                .initialCluster(cluster)
                .clusterToken("restored-cluster")
                .heartbeatInterval(TestCluster.HEARTBEAT)
                .electionTimeout(TestCluster.ELECTION)
                .build());
      }
      for (EtcdNode n : restoredNodes) {
        n.start();
      }
      for (EtcdNode n : restoredNodes) {
        n.start().join();
      }
      for (EtcdNode n : restoredNodes) {
        assertEquals(revision, TestCluster.status(n).revision());
        HashKvResponse got = n.maintenance().hashKv(revision).join();
        assertEquals(expected.hash(), got.hash(), "hashKv of " + n.config().memberName());
        assertEquals(expected.compactRevision(), got.compactRevision());
        assertEquals(
            member
                .kv()
                .get(bs("w"), GetOption.builder().isPrefix(true).withRevision(revision).build())
                .join()
                .kvs(),
            n.kv().get(bs("w"), GetOption.builder().isPrefix(true).build()).join().kvs());
      }
      long next =
          restoredNodes.get(0).kv().put(bs("after-restore"), bs("x")).join().header().revision();
      assertEquals(revision + 1, next);
      for (EtcdNode n : restoredNodes) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> TestCluster.status(n).revision() == revision + 1);
      }
    } finally {
      for (EtcdNode n : restoredNodes) {
        n.close();
      }
    }
  }

  @Test
  void aCorruptBackupOrANonEmptyTargetIsRefusedAndNothingIsWritten() throws IOException {
    byte[] good;
    Map<String, PeerAddress> cluster = Map.of("r1", new PeerAddress("127.0.0.1", 1));
    try (TestCluster source = new TestCluster(dir.resolve("source"), 1).start()) {
      EtcdNode node = source.nodes.get(0);
      for (int i = 0; i < 20; i++) {
        node.kv().put(bs("k" + i), bs("v" + i)).join();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      node.maintenance().snapshot(out).join();
      good = out.toByteArray();
    }
    Path target = dir.resolve("target");
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x55;
    CorruptBackupException corrupt =
        assertThrows(
            CorruptBackupException.class,
            () -> restore(new ByteArrayInputStream(flipped), target, cluster));
    assertEquals("flipped", corrupt.source());
    assertFalse(Files.exists(target), "a corrupt backup must leave nothing behind");

    byte[] cut = java.util.Arrays.copyOf(good, good.length - 100);
    assertThrows(
        CorruptBackupException.class,
        () -> restore(new ByteArrayInputStream(cut), target, cluster));
    assertFalse(Files.exists(target));

    Files.createDirectories(target);
    Files.writeString(target.resolve("something"), "x");
    InvalidArgumentException notEmpty =
        assertThrows(
            InvalidArgumentException.class,
            () -> restore(new ByteArrayInputStream(good), target, cluster));
    assertEquals("dataDir", notEmpty.argument());

    InvalidArgumentException notAMember =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                SnapshotRestore.builder()
                    .backup(new ByteArrayInputStream(good), "good")
                    .memberName("stranger")
                    .dataDir(dir.resolve("other"))
                    .initialCluster(cluster)
                    .build());
    assertEquals("initialCluster", notAMember.argument());
    InvalidArgumentException noBackup =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                SnapshotRestore.builder()
                    .memberName("r1")
                    .dataDir(dir.resolve("other"))
                    .initialCluster(cluster)
                    .build());
    assertEquals("backup", noBackup.argument());

    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    assertEquals(20, restore(new ByteArrayInputStream(good), empty, cluster).revision());
  }

  @Test
  void aBackupStreamsToAFailingOutputAsATypedFailure() {
    try (TestCluster source = new TestCluster(dir.resolve("source"), 1).start()) {
      EtcdNode node = source.nodes.get(0);
      node.kv().put(bs("k"), bs("v")).join();
      OutputStream broken =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              throw new IOException("disk full");
            }
          };
      Throwable e =
          assertThrows(
                  java.util.concurrent.CompletionException.class,
                  () -> node.maintenance().snapshot(broken).join())
              .getCause();
      assertTrue(e instanceof java.io.UncheckedIOException, e.toString());
      // the member keeps serving
      assertEquals(2, node.kv().put(bs("k"), bs("w")).join().header().revision());
      io.etch.maintenance.Maintenance maintenance = node.maintenance();
      node.close();
      Throwable closed =
          assertThrows(
                  java.util.concurrent.CompletionException.class,
                  () -> maintenance.snapshot(new ByteArrayOutputStream()).join())
              .getCause();
      assertTrue(closed instanceof io.etch.NodeClosedException, closed.toString());
    }
  }

  private static SnapshotRestore.Restored restore(
      java.io.InputStream in, Path target, Map<String, PeerAddress> cluster) {
    return SnapshotRestore.builder()
        .backup(in, "flipped")
        .memberName("r1")
        .dataDir(target)
        .initialCluster(cluster)
        .build()
        .restore();
  }
}
