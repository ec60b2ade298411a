package io.etch.transport;

import io.etch.raft.Message;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one incoming snapshot stream to a temp file ({@code *.part}) in the snapshot directory,
 * computing CRC32C as it goes. {@link #finish} checks length and checksum, syncs and renames the
 * file to {@code *.snap}; {@link #abort} deletes it. Disk writes happen on the event loop that
 * reads the stream, which is the flow control: while a chunk is written no more are read.
 */
final class SnapshotReceiver {
  private final long fromMemberId;
  private final Message snapMessage;
  private final long expectedBytes;
  private final Path partFile;
  private final FileChannel file;
  private final CRC32C crc = new CRC32C();
  private long receivedBytes;
  private boolean done;

  SnapshotReceiver(Path directory, long fromMemberId, Message snapMessage, long expectedBytes) {
    this.fromMemberId = fromMemberId;
    this.snapMessage = snapMessage;
    this.expectedBytes = expectedBytes;
    try {
      Files.createDirectories(directory);
      this.partFile = Files.createTempFile(directory, "snap-from-" + fromMemberId + "-", ".part");
      this.file = FileChannel.open(partFile, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create snapshot temp file in " + directory, e);
    }
  }

  Message snapMessage() {
    return snapMessage;
  }

  void write(ByteBuf chunk) {
    int n = chunk.readableBytes();
    if (receivedBytes + n > expectedBytes) {
      throw new SnapshotTransferException(
          fromMemberId,
          "stream exceeds the announced " + expectedBytes + " bytes at " + (receivedBytes + n));
    }
    crc.update(chunk.nioBuffer());
    try {
      int written = 0;
      while (written < n) {
        written += chunk.getBytes(chunk.readerIndex() + written, file, n - written);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot temp file " + partFile, e);
    }
    receivedBytes += n;
  }

  /**
   * Verifies and publishes the file.
   *
   * @return the complete file, now owned by the node
   * @throws SnapshotTransferException when length or checksum do not match
   */
  Path finish(long totalBytes, int crc32c) {
    if (totalBytes != expectedBytes || receivedBytes != expectedBytes) {
      throw new SnapshotTransferException(
          fromMemberId,
          "length mismatch: announced "
              + expectedBytes
              + ", trailer "
              + totalBytes
              + ", received "
              + receivedBytes);
    }
    if ((int) crc.getValue() != crc32c) {
      throw new SnapshotTransferException(
          fromMemberId,
          "CRC32C mismatch: trailer "
              + Integer.toHexString(crc32c)
              + ", computed "
              + Long.toHexString(crc.getValue()));
    }
    try {
      file.force(true);
      file.close();
      String name = partFile.getFileName().toString();
      Path complete =
          partFile.resolveSibling(name.substring(0, name.length() - ".part".length()) + ".snap");
      Files.move(partFile, complete, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      return complete;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish snapshot file " + partFile, e);
    }
  }

  /** Deletes the temp file unless {@link #finish} published it. Idempotent. */
  void abort() {
    if (done) {
      return;
    }
    done = true;
    try {
      file.close();
      Files.deleteIfExists(partFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete snapshot temp file " + partFile, e);
    }
  }
}
