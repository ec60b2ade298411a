package io.etch.storage.wal;

import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.WritePath;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link WalProcessCrashTest}: appends and syncs batches forever on the real,
 * memory-mapped file system written through the write path named by the third argument, printing
 * {@code synced <lastIndex>} after each sync, until killed.
 */
public final class WalCrashChild {
  private WalCrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    WalConfig config =
        WalConfig.builder(dir)
            .fileSystem(new MappedFileSystem(WritePath.valueOf(args[2])))
            .segmentSizeBytes(256 << 10)
            .maxEntryBytes(1024)
            .build();
    WriteAheadLog wal = WriteAheadLog.open(config);
    while (true) {
      int batch = 1 + random.nextInt(32);
      for (int i = 0; i < batch; i++) {
        long index = wal.lastIndex() + 1;
        wal.append(index, 1, (byte) (index % 3), WalFixtures.payload(index, 1));
      }
      wal.sync();
      System.out.println("synced " + wal.lastIndex());
      System.out.flush();
    }
  }
}
