package io.etch.internal.raftlog;

import static io.etch.internal.raftlog.RaftLogAssert.assertThat;
import static io.etch.internal.raftlog.RaftLogAssert.assertThatThrownBy;
import static io.etch.internal.raftlog.RaftLogTesting.config;
import static io.etch.internal.raftlog.RaftLogTesting.copy;
import static io.etch.internal.raftlog.RaftLogTesting.entry;

import io.etch.raft.ConfState;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.HardState;
import io.etch.raft.SnapshotMetadata;
import io.etch.raft.storage.CompactedException;
import io.etch.raft.storage.SnapshotOutOfDateException;
import io.etch.raft.storage.UnavailableException;
import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.snap.SnapshotCorruptionException;
import io.etch.storage.snap.SnapshotIoException;
import io.etch.storage.snap.SnapshotUnavailableException;
import io.etch.storage.wal.WalCorruptionException;
import io.etch.storage.wal.WalFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalRaftStorageTest {
  private static final Path DIR = Path.of("/data/member");
  private static final ConfState THREE = ConfState.of(new long[] {1, 2, 3}, new long[] {4});

  private FaultInjectingFileSystem fs = new FaultInjectingFileSystem(42);

  private WalRaftStorage open() {
    return WalRaftStorage.open(config(fs, DIR).build());
  }

  private static List<Entry> range(long from, long toInclusive, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= toInclusive; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String readStateMachine(WalRaftStorage s) throws IOException {
    try (InputStream in = s.openSnapshotStateMachine()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void newLogIsEmptyAndAnswersTheDummyTerm() {
    try (WalRaftStorage s = open()) {
      assertThat(s.firstIndex()).isEqualTo(1);
      assertThat(s.lastIndex()).isEqualTo(0);
      assertThat(s.term(0)).isEqualTo(0);
      assertThat(s.initialState().hardState()).isEqualTo(HardState.EMPTY);
      assertThat(s.snapshot().isEmpty()).isTrue();
      assertThat(s.restartState().appliedIndex()).isZero();
      assertThatThrownBy(() -> s.term(1)).isInstanceOf(UnavailableException.class);
      assertThatThrownBy(() -> s.entries(1, 2, 100)).isInstanceOf(UnavailableException.class);
    }
  }

  @Test
  void entriesAndHardStateSurviveAReopenWithTheirTypes() {
    byte[] cc = bytes("conf change");
    try (WalRaftStorage s = open()) {
      s.append(range(1, 3, 1));
      s.append(List.of(entry(4, 2, EntryType.CONF_CHANGE, cc), entry(5, 2)));
      s.setHardState(new HardState(2, 1, 3));
      s.sync();
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThat(s.entries(1, 6, Long.MAX_VALUE))
          .containsExactly(
              entry(1, 1),
              entry(2, 1),
              entry(3, 1),
              entry(4, 2, EntryType.CONF_CHANGE, cc),
              entry(5, 2));
      assertThat(s.term(4)).isEqualTo(2);
      assertThat(s.initialState().hardState()).isEqualTo(new HardState(2, 1, 3));
    }
  }

  @Test
  void entriesStopAtMaxBytesButReturnAtLeastOne() {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 10, 1));
      long one = entry(1, 1).sizeBytes();
      assertThat(s.entries(1, 11, 0)).hasSize(1);
      assertThat(s.entries(1, 11, one * 3)).hasSize(3);
      assertThat(s.entries(1, 11, one * 3 + 1)).hasSize(3);
      assertThat(s.entries(4, 4, 0)).isEmpty();
    }
  }

  @Test
  void readsBeyondTheCacheComeFromTheWalAndMatch() {
    try (WalRaftStorage s = WalRaftStorage.open(config(fs, DIR).entryCacheMaxBytes(200).build())) {
      s.append(range(1, 50, 3));
      assertThat(s.cachedBytes()).isLessThanOrEqualTo(200);
      assertThat(s.entries(1, 51, Long.MAX_VALUE)).isEqualTo(range(1, 50, 3));
      assertThat(s.term(1)).isEqualTo(3);
    }
  }

  @Test
  void aConflictingSuffixIsTruncatedDurablyAndNeverReappears() {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 6, 1));
      s.sync();
      s.append(range(4, 5, 2));
      // the truncation is durable on its own; the new entries are not synced
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.lastIndex()).isEqualTo(3);
      assertThat(s.entries(1, 4, Long.MAX_VALUE)).isEqualTo(range(1, 3, 1));
      s.append(range(4, 4, 3));
      s.sync();
      assertThat(s.entries(1, 5, Long.MAX_VALUE))
          .containsExactly(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 3));
    }
  }

  @Test
  void aFailedSyncIsFatalAndOnlyWhatWasSyncedSurvives() {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 5, 1));
      s.setHardState(new HardState(1, 2, 3));
      s.sync();
      s.append(range(6, 9, 1));
      s.setHardState(new HardState(1, 2, 8));
      fs.failAllSyncs(true);
      assertThatThrownBy(s::sync).isInstanceOf(WalFailedException.class);
      fs.failAllSyncs(false);
      // never retried: the lost pages may already be marked clean
      assertThatThrownBy(s::sync).isInstanceOf(WalFailedException.class);
      assertThatThrownBy(() -> s.append(range(10, 10, 1))).isInstanceOf(WalFailedException.class);
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThat(s.initialState().hardState()).isEqualTo(new HardState(1, 2, 3));
      assertThat(s.entries(1, 6, Long.MAX_VALUE)).isEqualTo(range(1, 5, 1));
    }
  }

  @Test
  void appendingWithAGapFailsFast() {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 2, 1));
      assertThatThrownBy(() -> s.append(range(4, 4, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("last index 2");
    }
  }

  @Test
  void bootstrapStartsAtASnapshotOfTheFoundingMembership() throws IOException {
    try (WalRaftStorage s = open()) {
      s.bootstrap(THREE, out -> out.write(bytes("empty store")));
      assertThat(s.firstIndex()).isEqualTo(2);
      assertThat(s.lastIndex()).isEqualTo(1);
      assertThat(s.term(1)).isEqualTo(1);
      assertThatThrownBy(() -> s.bootstrap(THREE, out -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot bootstrap");
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.initialState().hardState()).isEqualTo(new HardState(1, 0, 1));
      assertThat(s.initialState().confState()).isEqualTo(THREE);
      assertThat(s.restartState().appliedIndex()).isEqualTo(1);
      assertThat(readStateMachine(s)).isEqualTo("empty store");
    }
  }

  @Test
  void snapshotCompactsKeepingCatchUpEntriesAndSurvivesRestart() throws IOException {
    try (WalRaftStorage s = open()) {
      s.bootstrap(THREE, out -> {});
      for (long i = 2; i <= 400; i += 50) {
        s.append(range(i, i + 49, 2));
      }
      s.setHardState(new HardState(2, 1, 300));
      s.sync();
      SnapshotMetadata md = s.createSnapshot(300, THREE, out -> out.write(bytes("state@300")));
      assertThat(md).isEqualTo(new SnapshotMetadata(300, 2, THREE));
      assertThat(s.firstIndex()).isEqualTo(296);
      assertThat(s.term(295)).isEqualTo(2);
      assertThatThrownBy(() -> s.term(294)).isInstanceOf(CompactedException.class);
      assertThatThrownBy(() -> s.entries(295, 300, 100)).isInstanceOf(CompactedException.class);
      assertThat(s.entries(296, 301, Long.MAX_VALUE)).isEqualTo(range(296, 300, 2));
      assertThatThrownBy(() -> s.createSnapshot(300, THREE, out -> {}))
          .isInstanceOf(SnapshotOutOfDateException.class);
      assertThatThrownBy(() -> s.createSnapshot(402, THREE, out -> {}))
          .isInstanceOf(UnavailableException.class);
      assertThatThrownBy(() -> s.compact(301))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("only covers up to 300");
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      // whole segments only were released: at least the catch-up entries are still there
      assertThat(s.firstIndex()).isLessThanOrEqualTo(296);
      assertThat(s.lastIndex()).isEqualTo(401);
      assertThat(s.entries(296, 402, Long.MAX_VALUE)).isEqualTo(range(296, 401, 2));
      assertThat(s.snapshot().metadata()).isEqualTo(new SnapshotMetadata(300, 2, THREE));
      assertThat(s.restartState().appliedIndex()).isEqualTo(300);
      assertThat(readStateMachine(s)).isEqualTo("state@300");
    }
  }

  @Test
  void aSnapshotAtTheLastEntryLeavesAnEmptyLogThatAcceptsTheNext() {
    try (WalRaftStorage s =
        WalRaftStorage.open(config(fs, DIR).snapshotCatchUpEntries(0).build())) {
      s.append(range(1, 10, 1));
      s.sync();
      s.createSnapshot(10, THREE, out -> {});
      assertThat(s.firstIndex()).isEqualTo(11);
      assertThat(s.lastIndex()).isEqualTo(10);
      assertThat(s.term(10)).isEqualTo(1);
      s.append(range(11, 12, 2));
      s.sync();
      assertThat(s.entries(11, 13, Long.MAX_VALUE)).isEqualTo(range(11, 12, 2));
    }
  }

  @Test
  void installingALeadersSnapshotReplacesTheWholeLog() throws IOException {
    Path leaderDir = Path.of("/data/leader");
    Path received = Path.of("/data/snap-in/from-1.snap");
    try (WalRaftStorage leader = WalRaftStorage.open(config(fs, leaderDir).build());
        WalRaftStorage s = open()) {
      leader.append(range(1, 20, 3));
      leader.sync();
      leader.createSnapshot(20, THREE, out -> out.write(bytes("leader state")));
      copy(fs, leader.snapshotFile(), received);

      s.append(range(1, 8, 1));
      s.append(range(9, 30, 2)); // a diverging tail, longer than the snapshot
      s.setHardState(new HardState(2, 0, 5));
      s.sync();
      s.installSnapshot(leader.snapshot().metadata(), received);
      assertThat(fs.exists(received)).isFalse();
      assertThat(s.firstIndex()).isEqualTo(21);
      assertThat(s.lastIndex()).isEqualTo(20);
      assertThat(s.term(20)).isEqualTo(3);
      s.append(range(21, 22, 3));
      s.setHardState(new HardState(3, 0, 21));
      s.sync();
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.firstIndex()).isEqualTo(21);
      assertThat(s.entries(21, 23, Long.MAX_VALUE)).isEqualTo(range(21, 22, 3));
      assertThat(s.initialState().confState()).isEqualTo(THREE);
      assertThat(readStateMachine(s)).isEqualTo("leader state");
      assertThat(s.restartState().appliedIndex()).isEqualTo(20);
    }
  }

  @Test
  void aSnapMessageBuiltBeforeANewerSnapshotFindsNoFileAndAMismatchIsCaughtBeforeRaft()
      throws IOException {
    Path leaderDir = Path.of("/data/leader");
    Path received = Path.of("/data/snap-in/from-1.snap");
    try (WalRaftStorage leader = WalRaftStorage.open(config(fs, leaderDir).build());
        WalRaftStorage s = open()) {
      leader.append(range(1, 40, 3));
      leader.sync();
      SnapshotMetadata older = leader.createSnapshot(20, THREE, out -> out.write(bytes("@20")));
      assertThat(leader.snapshotFile(20)).isEqualTo(leader.snapshotFile());
      // a SNAP message carrying index 20 is sent after the snapshot at 30 replaced it
      leader.createSnapshot(30, THREE, out -> out.write(bytes("@30")));
      assertThat(leader.snapshotFile(20) == null).isTrue();
      assertThat(leader.snapshotFile(30)).isEqualTo(leader.snapshotFile());
      // had the newer file gone out with the older message, the receiver refuses it before Raft
      copy(fs, leader.snapshotFile(), received);
      assertThatThrownBy(() -> s.verifyReceived(older, received))
          .isInstanceOf(SnapshotCorruptionException.class);
      s.verifyReceived(leader.snapshot().metadata(), received);
      assertThat(s.snapshot().isEmpty()).isTrue();
    }
  }

  @Test
  void aDamagedReceivedSnapshotIsRejectedAndChangesNothing() throws IOException {
    Path leaderDir = Path.of("/data/leader");
    Path received = Path.of("/data/snap-in/from-1.snap");
    try (WalRaftStorage leader = WalRaftStorage.open(config(fs, leaderDir).build());
        WalRaftStorage s = open()) {
      leader.append(range(1, 20, 3));
      leader.sync();
      leader.createSnapshot(20, THREE, out -> out.write(new byte[5000]));
      copy(fs, leader.snapshotFile(), received);
      fs.file(received).flipBit(3000, 2);
      s.append(range(1, 5, 1));
      s.sync();
      SnapshotMetadata md = leader.snapshot().metadata();
      assertThatThrownBy(() -> s.installSnapshot(md, received))
          .isInstanceOf(SnapshotCorruptionException.class);
      assertThat(s.snapshot().isEmpty()).isTrue();
      assertThat(s.entries(1, 6, Long.MAX_VALUE)).isEqualTo(range(1, 5, 1));
      // the metadata must match the file's own header (index, term) and membership
      copy(fs, leader.snapshotFile(), Path.of("/data/snap-in/again.snap"));
      SnapshotMetadata otherMembers =
          new SnapshotMetadata(20, 3, ConfState.of(new long[] {1}, new long[0]));
      assertThatThrownBy(() -> s.installSnapshot(otherMembers, Path.of("/data/snap-in/again.snap")))
          .isInstanceOf(SnapshotCorruptionException.class)
          .hasMessageContaining("membership");
      SnapshotMetadata otherTerm = new SnapshotMetadata(20, 4, THREE);
      assertThatThrownBy(() -> s.installSnapshot(otherTerm, Path.of("/data/snap-in/again.snap")))
          .isInstanceOf(SnapshotCorruptionException.class);
      assertThat(s.snapshot().isEmpty()).isTrue();
    }
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().isEmpty()).isTrue();
      assertThat(s.lastIndex()).isEqualTo(5);
    }
  }

  @Test
  void anOlderSnapshotIsRefused() throws IOException {
    Path leaderDir = Path.of("/data/leader");
    Path received = Path.of("/data/snap-in/from-1.snap");
    try (WalRaftStorage leader = WalRaftStorage.open(config(fs, leaderDir).build());
        WalRaftStorage s = open()) {
      leader.append(range(1, 20, 3));
      leader.sync();
      leader.createSnapshot(10, THREE, out -> {});
      copy(fs, leader.snapshotFile(), received);
      s.append(range(1, 20, 3));
      s.sync();
      s.createSnapshot(15, THREE, out -> {});
      assertThatThrownBy(() -> s.installSnapshot(leader.snapshot().metadata(), received))
          .isInstanceOf(SnapshotOutOfDateException.class);
    }
  }

  @Test
  void aSnapshotFileTheWalNeverRecordedIsIgnoredAndRemoved() throws IOException {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 20, 1));
      s.sync();
      s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
    }
    // a crash struck after a newer snapshot file became durable but before its WAL marker did
    try (WalRaftStorage other = WalRaftStorage.open(config(fs, Path.of("/data/x")).build())) {
      other.append(range(1, 20, 1));
      other.sync();
      other.createSnapshot(15, THREE, out -> out.write(bytes("at 15")));
      copy(
          fs,
          other.snapshotFile(),
          DIR.resolve("snap").resolve(other.snapshotFile().getFileName()));
      fs.syncDirectory(DIR.resolve("snap"));
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(10);
      assertThat(readStateMachine(s)).isEqualTo("at 10");
      assertThat(fs.list(DIR.resolve("snap"))).hasSize(1);
    }
  }

  @Test
  void aSnapshotWhoseFileFailsLeavesTheOldOneInForce() throws IOException {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 30, 1));
      s.sync();
      s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
      fs.failNextDirectorySync();
      assertThatThrownBy(() -> s.createSnapshot(20, THREE, out -> out.write(bytes("at 20"))))
          .isInstanceOf(SnapshotIoException.class);
      assertThat(s.snapshot().metadata().index()).isEqualTo(10);
      assertThat(readStateMachine(s)).isEqualTo("at 10");
    }
    // the renamed file survives a process crash, but the WAL never recorded it
    fs = fs.crash(CrashMode.PROCESS_CRASH);
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(10);
      assertThat(readStateMachine(s)).isEqualTo("at 10");
      assertThat(s.entries(11, 31, Long.MAX_VALUE)).isEqualTo(range(11, 30, 1));
      s.createSnapshot(20, THREE, out -> out.write(bytes("at 20 again")));
      assertThat(readStateMachine(s)).isEqualTo("at 20 again");
    }
  }

  @Test
  void aSnapshotJobIsRecordedOnlyWhenFinishedWhileTheLogKeepsGoing() throws IOException {
    try (WalRaftStorage s = open()) {
      s.append(range(1, 20, 1));
      s.sync();
      s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
      SnapshotJob job = s.startSnapshot(15, THREE);
      assertThat(job.term()).isEqualTo(1);
      // one job at a time, and a synchronous snapshot is a job too
      assertThatThrownBy(() -> s.startSnapshot(16, THREE))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> s.createSnapshot(16, THREE, out -> {}))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> s.finishSnapshot(job)).isInstanceOf(IllegalStateException.class);
      // the owner thread keeps persisting while the file is written
      s.append(range(21, 25, 2));
      job.writeFile(out -> out.write(bytes("at 15")));
      s.append(range(26, 30, 2));
      s.sync();
      assertThat(s.snapshot().metadata().index()).isEqualTo(10);
      assertThat(readStateMachine(s)).isEqualTo("at 10");
      SnapshotMetadata md = s.finishSnapshot(job).orElseThrow();
      assertThat(md.index()).isEqualTo(15);
      assertThat(md.term()).isEqualTo(1);
      assertThat(readStateMachine(s)).isEqualTo("at 15");
      assertThat(s.entries(16, 31, Long.MAX_VALUE).size()).isEqualTo(15);
      // a failed write is abandoned and the next job may start
      SnapshotJob failing = s.startSnapshot(20, THREE);
      fs.failNextDirectorySync();
      assertThatThrownBy(() -> failing.writeFile(out -> out.write(bytes("at 20"))))
          .isInstanceOf(SnapshotIoException.class);
      s.abandonSnapshot(failing);
      assertThat(s.snapshot().metadata().index()).isEqualTo(15);
      s.createSnapshot(20, THREE, out -> out.write(bytes("at 20")));
      assertThat(readStateMachine(s)).isEqualTo("at 20");
    }
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(20);
      assertThat(readStateMachine(s)).isEqualTo("at 20");
      assertThat(s.lastIndex()).isEqualTo(30);
    }
  }

  @Test
  void aCrashWhileAJobIsInFlightLeavesThePreviousSnapshot() throws IOException {
    // crash points: in the middle of the file, after the file is durable but before the marker
    for (CrashMode mode : CrashMode.values()) {
      for (boolean midWrite : new boolean[] {true, false}) {
        fs = new FaultInjectingFileSystem(mode.ordinal() * 2L + (midWrite ? 1 : 0));
        FaultInjectingFileSystem[] crashed = new FaultInjectingFileSystem[1];
        try (WalRaftStorage s = open()) {
          s.append(range(1, 40, 1));
          s.setHardState(new HardState(1, 1, 40));
          s.sync();
          s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
          SnapshotJob job = s.startSnapshot(30, THREE);
          job.writeFile(
              out -> {
                out.write(new byte[20_000]);
                if (midWrite) {
                  crashed[0] = fs.crash(mode);
                }
                out.write(bytes("at 30"));
              });
          if (!midWrite) {
            crashed[0] = fs.crash(mode);
          }
          s.finishSnapshot(job); // too late: the crashed copy saw none of it
        }
        fs = crashed[0];
        String ctx = mode + (midWrite ? " during the write" : " before the marker");
        try (WalRaftStorage s = open()) {
          assertThat(s.snapshot().metadata().index()).isEqualTo(10);
          assertThat(readStateMachine(s)).isEqualTo("at 10");
          assertThat(s.entries(11, 41, Long.MAX_VALUE)).isEqualTo(range(11, 40, 1));
          assertThat(fs.list(DIR.resolve("snap"))).hasSize(1);
          // and the next snapshot goes through
          s.createSnapshot(30, THREE, out -> out.write(bytes("at 30 again")));
          assertThat(readStateMachine(s)).isEqualTo("at 30 again");
        } catch (AssertionError e) {
          throw new AssertionError(ctx + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  void anInstallSupersedesAJobInFlightAndPruningKeepsTheRecordedFile() throws IOException {
    Path leaderDir = Path.of("/data/leader");
    Path received = Path.of("/data/snap-in/from-1.snap");
    try (WalRaftStorage leader = WalRaftStorage.open(config(fs, leaderDir).build());
        WalRaftStorage s = open()) {
      leader.append(range(1, 50, 2));
      leader.sync();
      leader.createSnapshot(50, THREE, out -> out.write(bytes("leader at 50")));
      copy(fs, leader.snapshotFile(), received);
      s.append(range(1, 30, 2));
      s.setHardState(new HardState(2, 0, 30));
      s.sync();
      s.createSnapshot(5, THREE, out -> out.write(bytes("at 5")));
      s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
      SnapshotJob job = s.startSnapshot(20, THREE);
      s.installSnapshot(leader.snapshot().metadata(), received);
      job.writeFile(out -> out.write(bytes("at 20")));
      assertThat(s.finishSnapshot(job).isPresent()).isFalse();
      assertThat(s.snapshot().metadata().index()).isEqualTo(50);
      assertThat(readStateMachine(s)).isEqualTo("leader at 50");
      // a later job prunes below the recorded 50 only, keeping one older file
      s.append(range(51, 60, 3));
      s.sync();
      SnapshotJob next = s.startSnapshot(55, THREE);
      next.writeFile(out -> out.write(bytes("at 55")));
      List<String> files = fs.list(DIR.resolve("snap"));
      assertThat(files).hasSize(3); // 20 (kept as the fallback), 50 (recorded), 55 (in flight)
      s.finishSnapshot(next);
    }
    fs = fs.crash(CrashMode.POWER_LOSS);
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(55);
      assertThat(readStateMachine(s)).isEqualTo("at 55");
    }
  }

  @Test
  void aJobWritesItsFileOnAnotherThreadWhileTheOwnerAppends(@TempDir Path tmp) throws Exception {
    RaftLogConfig cfg =
        RaftLogConfig.builder(tmp)
            .fileSystem(new MappedFileSystem())
            .preallocationExecutor(Runnable::run)
            .segmentSizeBytes(1 << 16)
            .maxEntryBytes(1024)
            .snapshotCatchUpEntries(10)
            .build();
    try (WalRaftStorage s = WalRaftStorage.open(cfg)) {
      s.bootstrap(THREE, out -> out.write(bytes("boot")));
      long next = 2;
      for (int round = 0; round < 5; round++) {
        s.append(range(next, next + 99, 2));
        s.setHardState(new HardState(2, 1, next + 99));
        s.sync();
        next += 100;
        SnapshotJob job = s.startSnapshot(next - 1, THREE);
        String state = "at " + (next - 1);
        java.util.concurrent.CompletableFuture<Void> written =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> job.writeFile(out -> out.write(bytes(state))),
                r -> new Thread(r, "test-snapshot-writer").start());
        s.append(range(next, next + 49, 2)); // the owner keeps going meanwhile
        s.sync();
        next += 50;
        written.get();
        assertThat(s.finishSnapshot(job).orElseThrow().index()).isEqualTo(next - 51);
        assertThat(readStateMachine(s)).isEqualTo(state);
      }
    }
    try (WalRaftStorage s = WalRaftStorage.open(cfg)) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(701);
      assertThat(readStateMachine(s)).isEqualTo("at 701");
      assertThat(s.lastIndex()).isEqualTo(751);
    }
  }

  @Test
  void aCorruptNewestSnapshotFallsBackOnlyWhenTheWalCoversTheGap() throws IOException {
    try (WalRaftStorage s =
        WalRaftStorage.open(config(fs, DIR).snapshotCatchUpEntries(1000).build())) {
      s.append(range(1, 30, 1));
      s.sync();
      s.createSnapshot(10, THREE, out -> out.write(bytes("at 10")));
      s.createSnapshot(20, THREE, out -> out.write(bytes("at 20")));
    }
    Path newest = DIR.resolve("snap").resolve(fs.list(DIR.resolve("snap")).get(1));
    fs.file(newest).flipBit(40, 0);
    try (WalRaftStorage s = open()) {
      assertThat(s.snapshot().metadata().index()).isEqualTo(10);
      assertThat(s.restartState().appliedIndex()).isEqualTo(10);
      assertThat(readStateMachine(s)).isEqualTo("at 10");
      assertThat(s.entries(11, 31, Long.MAX_VALUE)).isEqualTo(range(11, 30, 1));
    }
  }

  @Test
  void aCorruptSnapshotWithoutCoverIsATypedError() throws IOException {
    try (WalRaftStorage s =
        WalRaftStorage.open(config(fs, DIR).snapshotCatchUpEntries(0).build())) {
      s.append(range(1, 30, 1));
      s.sync();
      s.createSnapshot(30, THREE, out -> out.write(bytes("at 30")));
    }
    Path only = DIR.resolve("snap").resolve(fs.list(DIR.resolve("snap")).get(0));
    fs.file(only).flipBit(40, 0);
    assertThatThrownBy(this::open).isInstanceOf(SnapshotUnavailableException.class);
  }

  @Test
  void walCorruptionSurfacesAsTheStorageError() throws IOException {
    try (WalRaftStorage s = open()) {
      for (long i = 1; i <= 400; i += 50) {
        s.append(range(i, i + 49, 1));
        s.sync();
      }
    }
    Path first = DIR.resolve("wal").resolve(fs.list(DIR.resolve("wal")).get(0));
    fs.file(first).flipBit(2000, 3);
    assertThatThrownBy(this::open).isInstanceOf(WalCorruptionException.class);
  }

  @Test
  void realFilesRoundTrip(@TempDir Path tmp) throws IOException {
    RaftLogConfig cfg =
        RaftLogConfig.builder(tmp)
            .fileSystem(new MappedFileSystem())
            .preallocationExecutor(Runnable::run)
            .segmentSizeBytes(1 << 16)
            .maxEntryBytes(1024)
            .snapshotCatchUpEntries(10)
            .build();
    try (WalRaftStorage s = WalRaftStorage.open(cfg)) {
      s.bootstrap(THREE, out -> out.write(bytes("boot")));
      for (long i = 2; i <= 1000; i += 100) {
        s.append(range(i, i + 99, 2));
        s.setHardState(new HardState(2, 1, i + 99));
        s.sync();
      }
      s.createSnapshot(900, THREE, out -> out.write(bytes("at 900")));
    }
    try (WalRaftStorage s = WalRaftStorage.open(cfg)) {
      assertThat(s.lastIndex()).isEqualTo(1001);
      assertThat(s.firstIndex()).isLessThanOrEqualTo(891);
      assertThat(s.entries(891, 1002, Long.MAX_VALUE)).isEqualTo(range(891, 1001, 2));
      assertThat(s.initialState().hardState()).isEqualTo(new HardState(2, 1, 1001));
      assertThat(readStateMachine(s)).isEqualTo("at 900");
    }
  }

  @Test
  void configRejectsMisuseNamingTheConflict() {
    assertThatThrownBy(
            () -> RaftLogConfig.builder(DIR).segmentSizeBytes(4096).maxEntryBytes(8192).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntryBytes 8192")
        .hasMessageContaining("segmentSizeBytes is 4096");
    assertThatThrownBy(() -> RaftLogConfig.builder(DIR).snapshotCatchUpEntries(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RaftLogConfig.builder(DIR).snapshotRetainCount(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshotRetainCount must be >= 2");
  }
}
