package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteAheadLogTest {
  @Test
  void appendsReadsAndSurvivesReopenAcrossManySegments() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      assertEquals(1, wal.firstIndex());
      assertEquals(0, wal.lastIndex());
      appendRange(wal, 1, 300, 1);
      wal.appendHardState(new WalHardState(1, 2, 250));
      wal.sync();
      assertEquals(expected(17, 1), wal.entry(17));
      assertEquals(300, wal.lastIndex());
    }
    FaultInjectingFileSystem after = fs.crash(CrashMode.POWER_LOSS);
    try (WriteAheadLog wal = WriteAheadLog.open(config(after))) {
      assertEquals(1, wal.firstIndex());
      assertEquals(300, wal.lastIndex());
      assertEquals(new WalHardState(1, 2, 250), wal.hardState().orElseThrow());
      for (long i = 1; i <= 300; i++) {
        assertEquals(expected(i, 1), wal.entry(i));
      }
      List<Long> seen = new ArrayList<>();
      wal.read(290, 301, (index, term, type, payload, offset, length) -> seen.add(index));
      assertEquals(List.of(290L, 291L, 292L, 293L, 294L, 295L, 296L, 297L, 298L, 299L, 300L), seen);
      assertTrue(after.list(DIR).size() > 5, "300 entries must span several 8 KiB segments");
    }
  }

  @Test
  void preallocatedSegmentsAreUsedAndLeftoversRemovedOnOpen() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(9);
    WalConfig config =
        WalConfig.builder(DIR)
            .fileSystem(fs)
            .segmentSizeBytes(8192)
            .maxEntryBytes(1024)
            .preallocationExecutor(Runnable::run)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      appendRange(wal, 1, 300, 1);
      wal.sync();
      assertEquals(
          1, fs.list(DIR).stream().filter(n -> n.endsWith("-next.wal.tmp")).count(), "one ahead");
    }
    FaultInjectingFileSystem after = fs.crash(CrashMode.POWER_LOSS);
    try (WriteAheadLog wal = WriteAheadLog.open(config(after))) {
      assertEquals(300, wal.lastIndex());
      for (long i = 1; i <= 300; i++) {
        assertEquals(expected(i, 1), wal.entry(i));
      }
      assertTrue(after.list(DIR).stream().noneMatch(n -> n.endsWith(".tmp")));
    }
  }

  @Test
  void unsyncedAppendsAreLostOnPowerLossButSyncedOnesAreNot() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(2);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      appendRange(wal, 1, 10, 1);
      wal.sync();
      appendRange(wal, 11, 15, 1);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
      assertEquals(10, wal.lastIndex());
      appendRange(wal, 11, 12, 2);
      wal.sync();
      assertEquals(expected(12, 2), wal.entry(12));
    }
  }

  @Test
  void truncateSuffixIsDurableAndReplaysAcrossSegments() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(3);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      appendRange(wal, 1, 100, 1);
      wal.sync();
      wal.truncateSuffix(40);
      assertEquals(39, wal.lastIndex());
      appendRange(wal, 40, 42, 2);
      // no sync: the truncation itself must already be durable (a segment roll may sync more)
      fs = fs.crash(CrashMode.POWER_LOSS);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      assertTrue(wal.lastIndex() >= 39 && wal.lastIndex() <= 42, "last " + wal.lastIndex());
      assertEquals(expected(39, 1), wal.entry(39));
      for (long i = 40; i <= wal.lastIndex(); i++) {
        assertEquals(expected(i, 2), wal.entry(i));
      }
      long next = wal.lastIndex() + 1;
      assertThrows(WalIndexException.class, () -> wal.entry(next));
      assertThrows(WalIndexException.class, () -> wal.truncateSuffix(next + 1));
      assertThrows(WalIndexException.class, () -> wal.append(next + 1, 2, (byte) 0, new byte[0]));
    }
  }

  @Test
  void releasePrefixDeletesWholeOldSegmentsAndKeepsHardStateAndMarker() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(4);
    int segmentsBefore;
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      wal.appendHardState(new WalHardState(3, 1, 150));
      appendRange(wal, 1, 200, 3);
      assertThrows(WalIndexException.class, () -> wal.releasePrefix(150));
      wal.appendSnapshotMarker(new WalSnapshotMarker(150, 3));
      wal.sync();
      segmentsBefore = fs.list(DIR).size();
      wal.releasePrefix(150);
      assertTrue(fs.list(DIR).size() < segmentsBefore);
      assertTrue(wal.firstIndex() > 1 && wal.firstIndex() <= 151, "first " + wal.firstIndex());
      assertEquals(expected(151, 3), wal.entry(151));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
      assertTrue(wal.firstIndex() > 1 && wal.firstIndex() <= 151);
      assertEquals(200, wal.lastIndex());
      assertEquals(new WalHardState(3, 1, 150), wal.hardState().orElseThrow());
      assertEquals(new WalSnapshotMarker(150, 3), wal.snapshotMarker().orElseThrow());
      for (long i = wal.firstIndex(); i <= 200; i++) {
        assertEquals(expected(i, 3), wal.entry(i));
      }
    }
  }

  @Test
  void snapshotMarkerPastTheLastEntryEmptiesTheLog() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(5);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      appendRange(wal, 1, 10, 1);
      wal.appendSnapshotMarker(new WalSnapshotMarker(500, 4));
      assertEquals(501, wal.firstIndex());
      assertEquals(500, wal.lastIndex());
      appendRange(wal, 501, 510, 4);
      wal.sync();
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
      assertEquals(501, wal.firstIndex());
      assertEquals(510, wal.lastIndex());
      assertEquals(expected(505, 4), wal.entry(505));
    }
  }

  @Test
  void syncPolicyNeverForcesNothingAndEveryBatchForcesOncePerSync() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(7);
    WalConfig never =
        WalConfig.builder(DIR)
            .fileSystem(fs)
            .segmentSizeBytes(64 << 10)
            .maxEntryBytes(1024)
            .syncPolicy(SyncPolicy.NEVER)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(never)) {
      int before = fs.syncCount();
      appendRange(wal, 1, 10, 1);
      wal.sync();
      assertEquals(before, fs.syncCount(), "NEVER must not force");
    }
    FaultInjectingFileSystem fs2 = new FaultInjectingFileSystem(8);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs2, 64 << 10))) {
      int before = fs2.syncCount();
      appendRange(wal, 1, 10, 1);
      wal.sync();
      assertEquals(before + 1, fs2.syncCount(), "one force per sync of one dirty segment");
      wal.sync();
      assertEquals(before + 1, fs2.syncCount(), "nothing dirty, nothing forced");
    }
  }

  @Test
  void rejectsMisuseWithTypedErrors() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(6);
    try (WriteAheadLog wal = WriteAheadLog.open(config(fs))) {
      WalIndexException gap =
          assertThrows(WalIndexException.class, () -> wal.append(2, 1, (byte) 0, new byte[0]));
      assertEquals(2, gap.index());
      WalRecordTooLargeException big =
          assertThrows(
              WalRecordTooLargeException.class, () -> wal.append(1, 1, (byte) 0, new byte[1025]));
      assertEquals(1024, big.limitBytes());
    }
    IllegalArgumentException conflict =
        assertThrows(
            IllegalArgumentException.class,
            () -> WalConfig.builder(DIR).segmentSizeBytes(4096).maxEntryBytes(8192).build());
    assertTrue(conflict.getMessage().contains("maxEntryBytes 8192"), conflict.getMessage());
  }

  @ParameterizedTest
  @EnumSource(WritePath.class)
  void worksOnMemoryMappedFiles(WritePath writePath, @TempDir Path dir) {
    WalConfig config =
        WalConfig.builder(dir.resolve("wal"))
            .fileSystem(new MappedFileSystem(writePath))
            .segmentSizeBytes(64 << 10)
            .maxEntryBytes(1024)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      appendRange(wal, 1, 1000, 1);
      wal.appendHardState(new WalHardState(1, 1, 999));
      wal.sync();
      wal.truncateSuffix(990);
      appendRange(wal, 990, 1010, 2);
      wal.sync();
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      assertEquals(1010, wal.lastIndex());
      assertEquals(expected(500, 1), wal.entry(500));
      assertEquals(expected(1000, 2), wal.entry(1000));
      assertEquals(new WalHardState(1, 1, 999), wal.hardState().orElseThrow());
      List<WalEntry> page = wal.entries(1, 1011, 1000);
      long bytes = page.stream().mapToLong(e -> e.payload().length).sum();
      assertTrue(!page.isEmpty() && bytes <= 1000 && page.size() < 1010, "page " + page.size());
      assertEquals(expected(1, 1), page.get(0));
    }
  }
}
