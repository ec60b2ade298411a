package io.etch.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.cluster.Member;
import io.etch.faults.FaultCluster.Role;
import io.etch.faults.WatchRecorder.Event;
import io.etch.lincheck.EtcdKvModel;
import io.etch.lincheck.EtcdKvModel.Result;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.StorageFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault suite's own machinery: its faults take effect and its checks catch violations. */
class FaultHarnessTest {
  @TempDir Path dir;

  @Test
  void aCrashLosesWhatWasNotSynced() throws Exception {
    CrashableFileSystem fs = new CrashableFileSystem(new FaultInjectingFileSystem(1), dir);
    Path wal = dir.resolve("raft").resolve("wal");
    fs.createDirectories(wal);
    Path file = wal.resolve("seg");
    try (StorageFile f = fs.createFixed(file, 4096)) {
      f.write(0, new UnsafeBuffer(new byte[] {1, 2, 3}), 0, 3);
      f.sync();
      f.write(3, new UnsafeBuffer(new byte[] {4, 5, 6}), 0, 3);
    }
    fs.syncDirectory(wal);
    CrashableFileSystem after = fs.crash(CrashMode.POWER_LOSS);
    byte[] read = new byte[6];
    try (StorageFile f = after.openFixed(file)) {
      f.read(0, new UnsafeBuffer(read), 0, 6);
    }
    assertEquals(List.of(1, 2, 3, 0, 0, 0), bytes(read), "synced bytes survive, unsynced ones not");
    assertEquals(1, fs.syncs.get());
  }

  private static List<Integer> bytes(byte[] b) {
    return List.of((int) b[0], (int) b[1], (int) b[2], (int) b[3], (int) b[4], (int) b[5]);
  }

  @Test
  void isolatingTheLeaderThroughTheProxiesElectsAnotherAndHealingReunitesThem() {
    try (FaultCluster cluster = new FaultCluster(dir, 3, 5, 10_000).start()) {
      String[] leader = new String[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> (leader[0] = cluster.leader()) != null);
      long initial = cluster.status(leader[0]).revision();
      cluster.network.isolate(leader[0]);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                String now = cluster.leader();
                return now != null && !now.equals(leader[0]);
              });
      String other = cluster.names().stream().filter(m -> !m.equals(leader[0])).findFirst().get();
      cluster.node(other).kv().put(Workload.bs("k0"), Workload.bs("x")).join();
      assertTrue(cluster.network.framesCut.get() > 0, "the proxies dropped the isolated traffic");
      cluster.network.heal();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  cluster.names().stream()
                      .allMatch(
                          m -> {
                            var s = cluster.status(m);
                            return s != null && s.revision() == initial + 1 && s.leaderId() != 0;
                          }));
      assertNotEquals(leader[0], cluster.leader());
    }
  }

  @Test
  void aCrashedMemberRestartsOnWhatSurvivedAndCatchesUp() {
    try (FaultCluster cluster = new FaultCluster(dir, 3, 9, 10_000).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leader() != null);
      long initial = cluster.status("m1").revision();
      for (int i = 0; i < 20; i++) {
        cluster.node("m1").kv().put(Workload.bs("k1"), Workload.bs("v" + i)).join();
      }
      cluster.crash("m2", CrashMode.TORN_SECTORS);
      assertFalse(cluster.isUp("m2"));
      cluster.node("m1").kv().put(Workload.bs("k1"), Workload.bs("after")).join();
      cluster.restart("m2");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var s = cluster.status("m2");
                return s != null && s.revision() == initial + 21;
              });
      var got = cluster.node("m2").kv().get(Workload.bs("k1")).join();
      assertEquals("after", got.kvs().get(0).value().toString());
      assertEquals(1, cluster.crashes());
    }
  }

  @Test
  void aReplacementAddsAMemberBehindItsOwnProxyAndRemovesAnOldVoter() {
    try (FaultCluster cluster = new FaultCluster(dir, 3, 13, 10_000).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leader() != null);
      cluster.node("m1").kv().put(Workload.bs("k0"), Workload.bs("before")).join();
      MembershipFaults membership = new MembershipFaults(cluster, new SplittableRandom(3), 3);
      String done = membership.replace();

      assertEquals(1, membership.counts().get("promoted"), done);
      assertEquals(Role.VOTER, cluster.role("m4"));
      assertEquals(3, cluster.withRole(Role.VOTER).size(), done);
      assertEquals(1, cluster.withRole(Role.REMOVED).size(), done);
      String removed = cluster.withRole(Role.REMOVED).get(0);
      assertFalse(cluster.isUp(removed));
      // the harness's membership is the cluster's
      String any = cluster.names().get(0);
      List<String> listed =
          cluster.node(any).cluster().listMembers().join().members().stream()
              .map(Member::name)
              .sorted()
              .toList();
      assertEquals(cluster.names().stream().sorted().toList(), listed);

      // the new member holds the data and sits behind its own proxy
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var got = cluster.node("m4").kv().get(Workload.bs("k0")).join();
                return !got.kvs().isEmpty() && got.kvs().get(0).value().toString().equals("before");
              });
      long cutBefore = cluster.network.framesCut.get();
      cluster.network.isolate("m4");
      cluster.node(any).kv().put(Workload.bs("k0"), Workload.bs("while m4 is cut off")).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.network.framesCut.get() > cutBefore);
      cluster.network.heal();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  cluster
                      .node("m4")
                      .kv()
                      .get(Workload.bs("k0"))
                      .join()
                      .kvs()
                      .get(0)
                      .value()
                      .toString()
                      .equals("while m4 is cut off"));
    }
  }

  @Test
  void aLearnerCrashedWhileItJoinsClosesRestartsAndCatchesUp() {
    try (FaultCluster cluster = new FaultCluster(dir, 3, 17, 50).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leader() != null);
      String big = "x".repeat(4096);
      for (int i = 0; i < 200; i++) {
        cluster.node("m1").kv().put(Workload.bs("k/big/" + i), Workload.bs(big + i)).join();
      }
      for (int round = 0; round < 2; round++) {
        String name = cluster.join();
        cluster.node("m1").cluster().addMember(name, cluster.advertised(name), true).join();
        cluster.admitted(name);
        // at once: while it is contacted and receives the snapshot
        cluster.crash(name, round % 2 == 0 ? CrashMode.POWER_LOSS : CrashMode.TORN_SECTORS);
        cluster.restart(name);
        long revision = cluster.status("m1").revision();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var s = cluster.started(name) ? cluster.status(name) : null;
                  return s != null && s.revision() >= revision;
                });
        cluster
            .node("m1")
            .cluster()
            .removeMember(FaultCluster.memberId(name))
            .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
            .join();
        cluster.retire(name);
      }
      assertEquals(List.of("m1", "m2", "m3"), cluster.names());
    }
  }

  // ------------------------------------------------------------------ the checks catch violations

  private static Recorded put(String key, String value, long rev, long call, long ret) {
    return new Recorded(
        0,
        "m1",
        EtcdKvModel.Op.put(key, value),
        Result.written(rev),
        call,
        ret,
        List.of(new Recorded.Write(key, value)),
        rev);
  }

  private static Recorded txn(String a, String va, String b, String vb, long rev, long t) {
    return new Recorded(
        1,
        "m1",
        EtcdKvModel.Op.txn(
            List.of(), List.of(EtcdKvModel.Op.put(a, va), EtcdKvModel.Op.put(b, vb)), List.of()),
        Result.txnResult(true, List.of(), rev),
        t,
        t + 1,
        List.of(new Recorded.Write(a, va), new Recorded.Write(b, vb)),
        rev);
  }

  private static Event ev(String key, String value, long rev) {
    return new Event(true, key, value, rev);
  }

  @Test
  void aConsistentHistoryPassesEveryCheck() {
    List<Recorded> h = List.of(put("k0", "a", 1, 0, 10), txn("k0", "b", "k1", "c", 2, 20));
    List<List<Event>> stream =
        List.of(List.of(ev("k0", "a", 1)), List.of(ev("k0", "b", 2), ev("k1", "c", 2)));
    assertEquals(List.of(), HistoryChecks.revisions(h));
    assertEquals(List.of(), HistoryChecks.watch("m1", stream, h));
    assertEquals(List.of(), HistoryChecks.acknowledgedPresent("m1", stream, h));
    assertEquals(List.of(), HistoryChecks.sameStreams(Map.of("m1", stream, "m2", stream)));
  }

  @Test
  void revisionChecksCatchSharedAndBackwardRevisions() {
    List<String> shared =
        HistoryChecks.revisions(List.of(put("k0", "a", 5, 0, 10), put("k1", "b", 5, 20, 30)));
    assertFalse(shared.isEmpty());
    List<String> backward =
        HistoryChecks.revisions(List.of(put("k0", "a", 5, 0, 10), put("k1", "b", 4, 20, 30)));
    assertTrue(backward.get(0).contains("before it began"), backward.toString());
  }

  @Test
  void watchChecksCatchGapsSplitTransactionsStrangersAndLostWrites() {
    List<Recorded> h =
        List.of(
            put("k0", "a", 1, 0, 10), txn("k0", "b", "k1", "c", 2, 20), put("k2", "d", 3, 30, 40));
    // a gap: revision 2 missing
    List<String> gap =
        HistoryChecks.watch("m1", List.of(List.of(ev("k0", "a", 1)), List.of(ev("k2", "d", 3))), h);
    assertTrue(gap.stream().anyMatch(v -> v.contains("gap")), gap.toString());
    // a transaction split over two responses
    List<String> split =
        HistoryChecks.watch(
            "m1",
            List.of(
                List.of(ev("k0", "a", 1)), List.of(ev("k0", "b", 2)), List.of(ev("k1", "c", 2))),
            h);
    assertFalse(split.isEmpty());
    // a transaction at two revisions
    List<String> twoRevisions =
        HistoryChecks.watch(
            "m1",
            List.of(
                List.of(ev("k0", "a", 1)), List.of(ev("k0", "b", 2)), List.of(ev("k1", "c", 3))),
            h);
    assertFalse(twoRevisions.isEmpty());
    // a value nobody wrote
    List<String> stranger = HistoryChecks.watch("m1", List.of(List.of(ev("k0", "zzz", 1))), h);
    assertTrue(stranger.get(0).contains("no client wrote"), stranger.toString());
    // an acknowledged write missing below the stream's end
    List<String> lost =
        HistoryChecks.acknowledgedPresent(
            "m1", List.of(List.of(ev("k0", "a", 1)), List.of(ev("k2", "d", 3))), h);
    assertTrue(lost.get(0).contains("missing"), lost.toString());
    // two members disagreeing
    List<String> differ =
        HistoryChecks.sameStreams(
            Map.of(
                "m1",
                List.of(List.of(ev("k0", "a", 1))),
                "m2",
                List.of(List.of(ev("k0", "x", 1)))));
    assertNotNull(differ.isEmpty() ? null : differ.get(0));
    // a stream that starts later (a member that joined) or ends earlier (one removed) agrees on the
    // revisions it shares; a difference there is caught
    List<List<Event>> full =
        List.of(List.of(ev("k0", "a", 1)), List.of(ev("k0", "b", 2)), List.of(ev("k1", "c", 3)));
    List<List<Event>> late = List.of(List.of(ev("k0", "b", 2)), List.of(ev("k1", "c", 3)));
    List<List<Event>> early = List.of(List.of(ev("k0", "a", 1)));
    assertEquals(List.of(), HistoryChecks.sameStreams(Map.of("m1", full, "m4", late, "m2", early)));
    List<String> lateDiffers =
        HistoryChecks.sameStreams(
            Map.of(
                "m1", full, "m4", List.of(List.of(ev("k0", "b", 2)), List.of(ev("k1", "x", 3)))));
    assertTrue(lateDiffers.get(0).contains("revision 3"), lateDiffers.toString());
  }
}
