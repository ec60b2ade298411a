package io.etch.storage.snap;

import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import io.etch.storage.fs.MappedFileSystem;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  private static final Path DIR = Path.of("/data/snap");

  private static SnapshotStore store(FaultInjectingFileSystem fs, int retain) {
    return SnapshotStore.open(
        SnapshotConfig.builder(DIR).fileSystem(fs).retainCount(retain).build());
  }

  private static byte[] payload(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void streamsLargePayloadsInAndOutAndKeepsTheNewestN() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(41);
    SnapshotStore store = store(fs, 2);
    byte[] big = payload(1, 2_700_000); // more than two read/write buffers
    store.write(
        100,
        2,
        out -> {
          for (int i = 0; i < big.length; ) {
            int n = Math.min(1 + i % 9000, big.length - i);
            if (n == 1) {
              out.write(big[i]);
            } else {
              out.write(big, i, n);
            }
            i += n;
          }
        });
    store.write(200, 3, payload(2, 10));
    store.write(300, 3, new byte[0]);
    List<SnapshotMeta> all = store.list();
    assertEquals(List.of(300L, 200L), all.stream().map(SnapshotMeta::index).toList());
    assertArrayEquals(new byte[0], store.readAll(all.get(0)));
    assertArrayEquals(payload(2, 10), store.readAll(all.get(1)));

    SnapshotStore bigStore = store(fs = new FaultInjectingFileSystem(42), 3);
    SnapshotMeta meta = bigStore.write(100, 2, big);
    try (InputStream in = bigStore.openPayload(meta)) {
      assertArrayEquals(big, in.readAllBytes());
    }
    assertEquals(meta, store(fs.crash(CrashMode.POWER_LOSS), 3).selectUsable(1).orElseThrow());
  }

  @Test
  void corruptNewestFallsBackOnlyWhenTheLogCoversTheGap() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(43);
    SnapshotStore store = store(fs, 3);
    store.write(100, 1, payload(3, 5000));
    store.write(200, 1, payload(4, 5000));
    SnapshotMeta newest = store.write(300, 2, payload(5, 5000));
    fs.file(newest.file()).flipBit(2000, 1);

    SnapshotCorruptionException corrupt =
        assertThrows(SnapshotCorruptionException.class, () -> store.verify(newest));
    assertEquals(newest.file(), corrupt.file());
    assertEquals(200, store.selectUsable(150).orElseThrow().index(), "log covers 201..");
    assertEquals(200, store.selectUsable(201).orElseThrow().index());
    SnapshotUnavailableException gap =
        assertThrows(SnapshotUnavailableException.class, () -> store.selectUsable(202));
    assertEquals(newest.file(), gap.file());
    assertEquals(200, gap.bestFallbackIndex());
    assertEquals(202, gap.walFirstIndex());
  }

  @Test
  void damageBeyondTheFirstBufferIsDetectedBySkippingAndReading() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(46);
    SnapshotStore store = store(fs, 3);
    byte[] big = payload(13, 3_000_000);
    SnapshotMeta good = store.write(1, 1, big);
    SnapshotMeta bad = store.write(2, 1, big);
    fs.file(bad.file()).flipBit(2_500_000, 3);

    store.verify(good);
    try (InputStream in = store.openPayload(good)) {
      assertEquals(1_234_567, in.skip(1_234_567));
      byte[] rest = in.readAllBytes();
      assertArrayEquals(Arrays.copyOfRange(big, 1_234_567, big.length), rest, "skip then read");
    }
    assertThrows(SnapshotCorruptionException.class, () -> store.verify(bad));
    assertThrows(SnapshotCorruptionException.class, () -> store.readAll(bad));
  }

  @Test
  void everyKindOfDamageIsDetected() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(44);
    SnapshotStore store = store(fs, 5);
    SnapshotMeta a = store.write(1, 1, payload(6, 3000));
    SnapshotMeta b = store.write(2, 1, payload(7, 3000));
    SnapshotMeta c = store.write(3, 1, payload(8, 3000));
    SnapshotMeta d = store.write(4, 1, payload(9, 3000));
    fs.file(a.file()).truncate(2000);
    fs.file(b.file()).zeroSector(0);
    fs.file(c.file()).flipBit(fs.file(c.file()).sizeBytes() - 5, 7);
    fs.file(d.file()).flipBit(17, 0);
    for (SnapshotMeta m : List.of(a, b, c, d)) {
      assertThrows(SnapshotCorruptionException.class, () -> store.verify(m), m.toString());
    }
    assertEquals(
        true, store.selectUsable(1).isEmpty(), "all corrupt, the log starts at 1: replay all");
    assertThrows(SnapshotUnavailableException.class, () -> store.selectUsable(2));
  }

  @Test
  void crashWhileWritingLeavesTheOldSetAndNoPartialSnapshot() throws Exception {
    for (long s = 0; s < 20; s++) {
      long seed = s;
      FaultInjectingFileSystem fs = new FaultInjectingFileSystem(seed);
      SnapshotStore store = store(fs, 2);
      store.write(10, 1, payload(seed, 4000));
      fs.failNextRename();
      assertThrows(SnapshotIoException.class, () -> store.write(20, 1, payload(seed + 1, 4000)));
      FaultInjectingFileSystem after =
          fs.crash(seed % 2 == 0 ? CrashMode.TORN_SECTORS : CrashMode.PROCESS_CRASH);
      SnapshotStore reopened = store(after, 2);
      assertEquals(List.of(10L), reopened.list().stream().map(SnapshotMeta::index).toList());
      assertEquals(10, reopened.selectUsable(1).orElseThrow().index());
      assertTrue(after.list(DIR).stream().noneMatch(n -> n.endsWith(".tmp")));
    }
  }

  @Test
  void failedSyncAbandonsTheSnapshot() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(45);
    SnapshotStore store = store(fs, 2);
    SnapshotMeta kept = store.write(10, 1, payload(10, 100));
    fs.failAllSyncs(true);
    SnapshotIoException e =
        assertThrows(SnapshotIoException.class, () -> store.write(20, 1, payload(11, 100)));
    assertTrue(e.getMessage().contains("fsync"), e.getMessage());
    fs.failAllSyncs(false);
    assertEquals(List.of(kept), store.list());
    SnapshotStore limited =
        SnapshotStore.open(SnapshotConfig.builder(DIR).fileSystem(fs).maxPayloadBytes(50).build());
    assertThrows(SnapshotTooLargeException.class, () -> limited.write(30, 1, payload(12, 51)));
    assertEquals(List.of(kept), limited.list());
  }

  @Test
  void worksOnTheRealFileSystem(@TempDir Path dir) {
    SnapshotStore store =
        SnapshotStore.open(
            SnapshotConfig.builder(dir.resolve("snap")).fileSystem(new MappedFileSystem()).build());
    byte[] data = payload(50, 200_000);
    SnapshotMeta meta = store.write(7, 3, data);
    assertArrayEquals(data, store.readAll(meta));
    assertEquals(meta, store.selectUsable(8).orElseThrow());
  }
}
