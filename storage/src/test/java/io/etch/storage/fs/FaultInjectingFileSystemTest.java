package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.FaultInjectingFileSystem.CrashMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The fault model other modules' simulations rely on. */
class FaultInjectingFileSystemTest {
  private static final Path DIR = Path.of("/d");
  private static final Path FILE = DIR.resolve("f");

  private static byte[] read(FaultInjectingFileSystem fs, Path file, int length)
      throws IOException {
    try (StorageFile f = fs.openFixed(file)) {
      UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
      f.read(0, b, 0, length);
      return b.byteArray();
    }
  }

  private static void fill(StorageFile f, int from, int length, byte value) throws IOException {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, value);
    f.write(from, new UnsafeBuffer(bytes), 0, length);
  }

  @Test
  void onlySyncedBytesAndSyncedDirectoryEntriesSurviveAPowerLoss() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);
    fs.createDirectories(DIR);
    try (StorageFile f = fs.createFixed(FILE, 2048)) {
      fill(f, 0, 100, (byte) 1);
      f.sync();
      fs.syncDirectory(DIR);
      fill(f, 100, 100, (byte) 2);
    }
    fs.createFixed(DIR.resolve("never-synced-entry"), 512).close();

    FaultInjectingFileSystem process = fs.crash(CrashMode.PROCESS_CRASH);
    assertEquals(List.of("f", "never-synced-entry"), process.list(DIR));
    assertEquals(2, read(process, FILE, 200)[150]);

    FaultInjectingFileSystem power = fs.crash(CrashMode.POWER_LOSS);
    assertEquals(List.of("f"), power.list(DIR));
    byte[] after = read(power, FILE, 200);
    assertEquals(1, after[99]);
    assertEquals(0, after[150]);
  }

  @Test
  void tornCrashesKeepOrLoseWhole512ByteSectors() throws Exception {
    int sawPartial = 0;
    for (long seed = 0; seed < 40; seed++) {
      FaultInjectingFileSystem fs = new FaultInjectingFileSystem(seed);
      fs.createDirectories(DIR);
      try (StorageFile f = fs.createFixed(FILE, 4096)) {
        f.sync();
        fs.syncDirectory(DIR);
        fill(f, 0, 4096, (byte) 7);
      }
      byte[] after = read(fs.crash(CrashMode.TORN_SECTORS), FILE, 4096);
      int kept = 0;
      for (int s = 0; s < 8; s++) {
        byte first = after[s * 512];
        for (int i = 0; i < 512; i++) {
          assertEquals(first, after[s * 512 + i], "sector " + s + " torn inside, seed " + seed);
        }
        kept += first == 7 ? 1 : 0;
      }
      sawPartial += kept > 0 && kept < 8 ? 1 : 0;
    }
    assertTrue(sawPartial > 0, "some crashes must keep only part of the sectors");
  }

  @Test
  void aFailedSyncLosesTheDataEvenIfALaterSyncSucceeds() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(2);
    fs.createDirectories(DIR);
    try (StorageFile f = fs.createFixed(FILE, 1024)) {
      f.sync();
      fs.syncDirectory(DIR);
      fill(f, 0, 10, (byte) 9);
      fs.failNextSync(FILE);
      assertThrows(IOException.class, f::sync);
      f.sync(); // "succeeds", as a retry would on Linux, but the pages were already dropped
      assertEquals(9, read(fs, FILE, 10)[0], "the page cache still shows the data");
    }
    assertEquals(0, read(fs.crash(CrashMode.POWER_LOSS), FILE, 10)[0]);
  }

  @Test
  void renameAndDeleteAreDurableOnlyAfterADirectorySync() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(3);
    fs.createDirectories(DIR);
    fs.createFixed(DIR.resolve("a.tmp"), 512).close();
    fs.syncDirectory(DIR);
    fs.rename(DIR.resolve("a.tmp"), DIR.resolve("a"));
    assertEquals(List.of("a.tmp"), fs.crash(CrashMode.POWER_LOSS).list(DIR));
    fs.syncDirectory(DIR);
    fs.delete(DIR.resolve("a"));
    assertEquals(List.of("a"), fs.crash(CrashMode.POWER_LOSS).list(DIR));
    fs.failNextCreate();
    assertThrows(IOException.class, () -> fs.createFixed(DIR.resolve("b"), 512));
    fs.failNextRename();
    assertThrows(IOException.class, () -> fs.rename(DIR.resolve("x"), DIR.resolve("y")));
  }
}
