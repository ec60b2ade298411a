package io.etch.internal.raftlog;

import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.storage.fs.StorageFile;
import io.etch.storage.fs.StorageFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the raft log tests. */
final class RaftLogTesting {
  private RaftLogTesting() {}

  static RaftLogConfig.Builder config(StorageFileSystem fs, Path dir) {
    return RaftLogConfig.builder(dir)
        .fileSystem(fs)
        .segmentSizeBytes(16 * 4096)
        .maxEntryBytes(8 * 1024)
        .snapshotCatchUpEntries(5)
        .entryCacheMaxBytes(2048);
  }

  static Entry entry(long index, long term) {
    return entry(index, term, EntryType.NORMAL, payload(index, term));
  }

  static Entry entry(long index, long term, EntryType type, byte[] data) {
    return new Entry(term, index, type, data);
  }

  static byte[] payload(long index, long term) {
    return ByteBuffer.allocate(24).putLong(index).putLong(term).putLong(index * 31 + term).array();
  }

  /** Copies a file inside {@code fs} (the way the transport lands a snapshot), synced. */
  static void copy(StorageFileSystem fs, Path from, Path to) throws IOException {
    fs.createDirectories(to.getParent());
    try (StorageFile in = fs.openGrowable(from);
        StorageFile out = fs.createGrowable(to)) {
      byte[] bytes = new byte[(int) in.sizeBytes()];
      UnsafeBuffer b = new UnsafeBuffer(bytes);
      in.read(0, b, 0, bytes.length);
      out.write(0, b, 0, bytes.length);
      out.sync();
    }
  }
}
