package io.etch.storage.wal;

import io.etch.storage.fs.FaultInjectingFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import java.nio.file.Path;
import java.util.Random;

/** Shared helpers of the write-ahead-log tests. */
final class WalFixtures {
  static final Path DIR = Path.of("/data/wal");

  private WalFixtures() {}

  static WalConfig config(StorageFileSystem fs, long segmentSizeBytes) {
    return WalConfig.builder(DIR)
        .fileSystem(fs)
        .segmentSizeBytes(segmentSizeBytes)
        .maxEntryBytes(1024)
        .build();
  }

  static WalConfig config(FaultInjectingFileSystem fs) {
    return config(fs, 8192);
  }

  /** A payload that is a pure function of (index, term), 0..300 bytes. */
  static byte[] payload(long index, long term) {
    Random r = new Random(index * 1_000_003L + term);
    byte[] b = new byte[r.nextInt(301)];
    r.nextBytes(b);
    return b;
  }

  static void appendRange(WriteAheadLog wal, long from, long toInclusive, long term) {
    for (long i = from; i <= toInclusive; i++) {
      wal.append(i, term, (byte) (i % 3), payload(i, term));
    }
  }

  static WalEntry expected(long index, long term) {
    return new WalEntry(index, term, (byte) (index % 3), payload(index, term));
  }
}
