package io.etch.storage.wal;

import static io.etch.storage.wal.WalFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log on {@link WritePath#DIRECT_DSYNC} and real files: every appended entry reads back intact
 * while the syncs rewrite partly filled blocks, once the 1 MiB write-behind buffer has let go of
 * them (read through the mapping, from the disk), after a reopen (all through the mapping) and
 * after appending to the recovered partial block.
 */
class DirectWritePathTest {
  @Test
  void everyEntryReadsBackAcrossPartialBlockRewritesAndReopens(@TempDir Path dir) {
    WalConfig config =
        WalConfig.builder(dir)
            .fileSystem(new MappedFileSystem(WritePath.DIRECT_DSYNC))
            .segmentSizeBytes(2 << 20)
            .maxEntryBytes(1024)
            .build();
    Random random = new Random(11);
    long last = 0;
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      for (int sync = 0; sync < 600; sync++) { // ~3.5 MiB: two rolls, the buffer slides often
        int batch = 1 + random.nextInt(40);
        appendRange(wal, last + 1, last + batch, 1);
        wal.sync();
        for (long i = last + 1; i <= last + batch; i++) {
          assertEquals(expected(i, 1), wal.entry(i), "entry " + i + " after sync " + sync);
        }
        last += batch;
        if (sync % 100 == 99) {
          assertAll(wal, last);
        }
      }
      assertAll(wal, last);
    }
    for (int reopen = 0; reopen < 2; reopen++) {
      try (WriteAheadLog wal = WriteAheadLog.open(config)) {
        assertEquals(last, wal.lastIndex(), "every synced entry recovered");
        assertAll(wal, last);
        for (int sync = 0; sync < 5; sync++) { // the first rewrites the recovered partial block
          appendRange(wal, last + 1, last + 3, 1);
          wal.sync();
          last += 3;
        }
        assertAll(wal, last);
      }
    }
  }

  private static void assertAll(WriteAheadLog wal, long last) {
    assertEquals(1, wal.firstIndex());
    assertEquals(last, wal.lastIndex());
    for (long i = 1; i <= last; i++) {
      assertEquals(expected(i, 1), wal.entry(i), "entry " + i);
    }
  }
}
