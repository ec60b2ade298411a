package io.etch.storage.fs;

import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.RefusingDirectChannels.Mode;
import io.etch.storage.wal.WalConfig;
import io.etch.storage.wal.WalEntry;
import io.etch.storage.wal.WalFailedException;
import io.etch.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WritePath#DIRECT_DSYNC} where the file system refuses O_DIRECT (through the {@link
 * DirectChannels} seam, see {@link RefusingDirectChannels}): at the open or at a file's first write
 * the log falls back to buffered writes, remembers the refusal for the directory, and loses nothing
 * across segment rolls and reopens; a direct write that fails after direct writes succeeded is
 * fatal (fsyncgate), never a fallback.
 */
class DirectFallbackTest {
  private static final long SEGMENT_BYTES = 256 << 10;

  private static WalConfig config(Path dir, MappedFileSystem fs) {
    return WalConfig.builder(dir)
        .fileSystem(fs)
        .segmentSizeBytes(SEGMENT_BYTES)
        .maxEntryBytes(1024)
        .build();
  }

  private static byte[] payload(long index) {
    Random r = new Random(index * 7_919L);
    byte[] b = new byte[r.nextInt(600)];
    r.nextBytes(b);
    return b;
  }

  /** Appends {@code syncs} batches of 1..40 entries after {@code last}, each synced. */
  private static long appendSynced(WriteAheadLog wal, long last, int syncs, Random random) {
    for (int s = 0; s < syncs; s++) {
      int batch = 1 + random.nextInt(40);
      for (int i = 0; i < batch; i++) {
        last++;
        wal.append(last, 1, (byte) 0, payload(last));
      }
      wal.sync();
    }
    return last;
  }

  private static void assertEntries(WriteAheadLog wal, long last) {
    assertEquals(last, wal.lastIndex());
    for (long i = 1; i <= last; i++) {
      WalEntry e = wal.entry(i);
      assertArrayEquals(payload(i), e.payload(), "entry " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"OPEN_FAILS", "OPEN_UNSUPPORTED", "FIRST_WRITE_FAILS"})
  void refusedDirectIoFallsBackToBufferedWritesAndLosesNothing(Mode mode, @TempDir Path dir) {
    for (Preallocation preallocation : Preallocation.values()) {
      Path walDir = dir.resolve(preallocation.name());
      RefusingDirectChannels channels = new RefusingDirectChannels(mode, 0);
      MappedFileSystem fs = new MappedFileSystem(WritePath.DIRECT_DSYNC, preallocation, channels);
      Random random = new Random(17);
      long last;
      try (WriteAheadLog wal = WriteAheadLog.open(config(walDir, fs))) {
        last = appendSynced(wal, 0, 150, random); // ~1.3 MiB: several segment rolls
        assertTrue(wal.firstIndex() == 1 && last > 2_000, "rolled over several segments");
        assertEntries(wal, last);
      }
      String what = mode + " with " + preallocation;
      assertEquals(0, channels.successfulWrites, what + ": nothing was written through O_DIRECT");
      int expectedOpens =
          switch (mode) {
            case FIRST_WRITE_FAILS -> preallocation == Preallocation.ZERO_FILL ? 1 : 2;
            default -> 1;
          };
      assertEquals(
          expectedOpens, channels.opens, what + ": the refusal is remembered for the directory");
      assertEquals(mode == Mode.FIRST_WRITE_FAILS ? 1 : 0, channels.failedWrites, what);

      // a new file system instance (a restart) is refused again and recovers everything
      RefusingDirectChannels again = new RefusingDirectChannels(mode, 0);
      try (WriteAheadLog wal =
          WriteAheadLog.open(
              config(walDir, new MappedFileSystem(WritePath.DIRECT_DSYNC, preallocation, again)))) {
        assertEntries(wal, last);
        last = appendSynced(wal, last, 20, random);
        assertEntries(wal, last);
      }
      // and the files are ordinary log files: the buffered path reads them as well
      try (WriteAheadLog wal =
          WriteAheadLog.open(config(walDir, new MappedFileSystem(WritePath.BUFFERED_CHANNEL)))) {
        assertEntries(wal, last);
      }
    }
  }

  @Test
  void aDirectWriteThatFailsAfterDirectWritesSucceededIsFatal(@TempDir Path dir) {
    RefusingDirectChannels channels = new RefusingDirectChannels(Mode.DSYNC_WRITE_FAILS_LATER, 5);
    MappedFileSystem fs =
        new MappedFileSystem(WritePath.DIRECT_DSYNC, Preallocation.ZERO_FILL, channels);
    Random random = new Random(5);
    WriteAheadLog wal = WriteAheadLog.open(config(dir, fs));
    long synced = 0;
    long appended = 0;
    WalFailedException failure = null;
    for (int s = 0; s < 50 && failure == null; s++) {
      int batch = 1 + random.nextInt(10);
      for (int i = 0; i < batch; i++) {
        appended++;
        wal.append(appended, 1, (byte) 0, payload(appended));
      }
      try {
        wal.sync();
        synced = appended;
      } catch (WalFailedException e) {
        failure = e;
      }
    }
    assertNotNull(failure, "the sixth O_DSYNC write failed the log");
    assertInstanceOf(IOException.class, failure.getCause());
    assertTrue(wal.failed());
    assertEquals(1, channels.failedWrites, "never retried, never redirected to buffered writes");
    long next = appended + 1;
    assertThrows(WalFailedException.class, () -> wal.append(next, 1, (byte) 0, new byte[1]));
    assertThrows(WalFailedException.class, wal::sync);
    assertEquals(1, channels.failedWrites, "a refused sync writes nothing");
    wal.close();

    try (WriteAheadLog reopened =
        WriteAheadLog.open(config(dir, new MappedFileSystem(WritePath.DIRECT_DSYNC)))) {
      assertTrue(reopened.lastIndex() >= synced, "every synced entry survives");
      assertTrue(reopened.lastIndex() <= appended);
      for (long i = 1; i <= reopened.lastIndex(); i++) {
        assertArrayEquals(payload(i), reopened.entry(i).payload(), "entry " + i);
      }
    }
  }
}
