package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failed sync (or create, rename, directory sync) is fatal for writes and never retried. */
class WalFsyncGateTest {

  /** The file system under test: byte-granular writes here, block writes in the subclass. */
  FaultInjectingFileSystem newFs(long seed) {
    return new FaultInjectingFileSystem(seed);
  }

  @Test
  void failedSyncFailsTheLogForGoodAndTheUnsyncedDataIsNotTrusted() throws Exception {
    FaultInjectingFileSystem fs = newFs(31);
    WriteAheadLog wal = WriteAheadLog.open(config(fs, 64 << 10));
    appendRange(wal, 1, 10, 1);
    wal.sync();
    appendRange(wal, 11, 12, 1);
    List<String> names = fs.list(DIR);
    fs.failNextSync(DIR.resolve(names.get(names.size() - 1)));
    int syncsBefore = fs.syncCount();

    WalFailedException first = assertThrows(WalFailedException.class, wal::sync);
    assertInstanceOf(IOException.class, first.getCause());
    assertTrue(wal.failed());
    WalFailedException refusedAppend =
        assertThrows(WalFailedException.class, () -> wal.append(13, 1, (byte) 0, new byte[1]));
    assertSame(first.getCause(), refusedAppend.getCause());
    assertSame(first.getCause(), assertThrows(WalFailedException.class, wal::sync).getCause());
    assertThrows(WalFailedException.class, () -> wal.truncateSuffix(5));
    assertThrows(WalFailedException.class, () -> wal.appendHardState(new WalHardState(1, 1, 1)));
    assertEquals(syncsBefore, fs.syncCount(), "the log must never retry a failed sync");
    assertEquals(expected(12, 1), wal.entry(12), "reads keep working");
    wal.close();

    try (WriteAheadLog reopened = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
      assertEquals(10, reopened.lastIndex(), "entries whose sync failed were never durable");
    }
  }

  private void failsOnRoll(FaultInjectingFileSystem fs, Runnable injectFault) {
    WriteAheadLog wal = WriteAheadLog.open(config(fs));
    injectFault.run();
    WalFailedException e =
        assertThrows(WalFailedException.class, () -> appendRange(wal, 1, 200, 1));
    assertInstanceOf(IOException.class, e.getCause());
    long last = wal.lastIndex();
    assertThrows(WalFailedException.class, () -> wal.append(last + 1, 1, (byte) 0, new byte[1]));
    wal.close();
    try (WriteAheadLog reopened = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
      assertTrue(reopened.lastIndex() <= last);
      for (long i = 1; i <= reopened.lastIndex(); i++) {
        assertEquals(expected(i, 1), reopened.entry(i));
      }
    }
  }

  @Test
  void failedSegmentCreateRenameOrDirectorySyncIsFatalToo() {
    FaultInjectingFileSystem a = newFs(32);
    failsOnRoll(a, a::failNextCreate);
    FaultInjectingFileSystem b = newFs(33);
    failsOnRoll(b, b::failNextRename);
    FaultInjectingFileSystem c = newFs(34);
    failsOnRoll(c, c::failNextDirectorySync);
  }

  @Test
  void segmentCreatedButNotYetRenamedIsDiscardedOnRecovery() throws Exception {
    FaultInjectingFileSystem fs = newFs(35);
    WriteAheadLog wal = WriteAheadLog.open(config(fs));
    fs.failNextRename();
    assertThrows(WalFailedException.class, () -> appendRange(wal, 1, 200, 1));
    assertTrue(fs.list(DIR).stream().anyMatch(n -> n.endsWith(".tmp")));
    FaultInjectingFileSystem after = fs.crash(CrashMode.PROCESS_CRASH);
    try (WriteAheadLog reopened = WriteAheadLog.open(config(after))) {
      assertTrue(after.list(DIR).stream().noneMatch(n -> n.endsWith(".tmp")));
      assertEquals(wal.lastIndex(), reopened.lastIndex());
    }
  }

  @Test
  void interruptedPrefixReleaseNeverLeavesAHole() throws Exception {
    for (int failAt = 0; failAt < 3; failAt++) {
      FaultInjectingFileSystem fs = newFs(36 + failAt);
      WriteAheadLog wal = WriteAheadLog.open(config(fs));
      appendRange(wal, 1, 300, 1);
      wal.appendSnapshotMarker(new WalSnapshotMarker(280, 1));
      wal.sync();
      int segments = fs.list(DIR).size();
      // let `failAt` deletions become durable, then fail the next directory sync
      WriteAheadLog released = wal;
      if (failAt > 0) {
        wal.close();
        released = WriteAheadLog.open(config(fs));
        releaseUpToSegments(released, failAt);
      }
      fs.failNextDirectorySync();
      WriteAheadLog target = released;
      assertThrows(WalFailedException.class, () -> target.releasePrefix(280));
      target.close();
      try (WriteAheadLog reopened = WriteAheadLog.open(config(fs.crash(CrashMode.POWER_LOSS)))) {
        assertEquals(300, reopened.lastIndex());
        assertTrue(fs.list(DIR).size() < segments || failAt == 0);
        for (long i = reopened.firstIndex(); i <= 300; i++) {
          assertEquals(expected(i, 1), reopened.entry(i));
        }
      }
    }
  }

  /** Releases just enough to delete the {@code count} oldest segments. */
  private void releaseUpToSegments(WriteAheadLog wal, int count) throws Exception {
    WalConfig config = wal.config();
    java.util.List<String> names = config.fileSystem().list(DIR);
    long firstOfNext = Long.parseLong(names.get(count).substring(17, 33), 16);
    wal.releasePrefix(firstOfNext - 1);
  }
}
