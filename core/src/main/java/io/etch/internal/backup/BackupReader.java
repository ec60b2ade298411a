package io.etch.internal.backup;

import io.etch.CorruptBackupException;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccException;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.RestoredStore;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads and verifies a backup in the {@link BackupDescriptor} layout, restoring its store in
 * memory. Every check that fails is a {@link CorruptBackupException} naming what failed and the
 * byte offset where it was found: the magic, the format version, the header length, a chunk length,
 * the snapshot section (its own checks: order, bounds, CRC32C), the end magic, the body length, the
 * trailing checksum, the header's revisions against the restored store, bytes after the trailer,
 * and a stream that ends early (truncation).
 */
public final class BackupReader {
  private BackupReader() {}

  /** A verified backup. */
  public record Backup(BackupHeader header, RestoredStore restored) {}

  /**
   * Reads the whole of {@code in} (not closed).
   *
   * @param source a description of where it comes from, for error messages
   * @throws CorruptBackupException when any check fails
   * @throws UncheckedIOException when reading fails for another reason than the stream's end
   */
  public static Backup read(InputStream in, String source, MvccConfig config) {
    CountingInputStream counting = new CountingInputStream(in);
    CRC32C crc = new CRC32C();
    DataInputStream d = new DataInputStream(new CheckedInputStream(counting, crc));
    try {
      long magic = d.readLong();
      if (magic != BackupDescriptor.MAGIC) {
        throw corrupt(
            source,
            "bad magic 0x"
                + Long.toHexString(magic)
                + " at offset "
                + BackupDescriptor.MAGIC_OFFSET
                + " (not an Etch backup)");
      }
      int format = d.readInt();
      if (format != BackupDescriptor.FORMAT_VERSION) {
        throw corrupt(
            source,
            "unsupported format version "
                + format
                + " at offset "
                + BackupDescriptor.FORMAT_OFFSET
                + " (this build reads version "
                + BackupDescriptor.FORMAT_VERSION
                + ")");
      }
      int headerBytes = d.readInt();
      if (headerBytes != BackupDescriptor.HEADER_BYTES) {
        throw corrupt(
            source,
            "header length "
                + headerBytes
                + " at offset "
                + BackupDescriptor.HEADER_LENGTH_OFFSET
                + ", expected "
                + BackupDescriptor.HEADER_BYTES);
      }
      BackupHeader header =
          new BackupHeader(
              d.readLong(), d.readLong(), d.readLong(), d.readLong(), d.readLong(), d.readLong());
      ChunkedInputStream body = new ChunkedInputStream(d, counting, source);
      RestoredStore restored;
      try {
        restored = MvccStore.restore(body, config);
      } catch (MvccException e) {
        throw corrupt(
            source,
            "snapshot section invalid near offset " + counting.count + ": " + e.getMessage());
      } catch (EOFException e) {
        throw corrupt(source, "snapshot section ends early at offset " + counting.count);
      }
      if (body.read() != -1 || !body.ended()) {
        throw corrupt(
            source, "bytes after the snapshot section's end, at offset " + counting.count);
      }
      long endOffset = counting.count;
      int endMagic = d.readInt();
      if (endMagic != BackupDescriptor.END_MAGIC) {
        throw corrupt(
            source, "bad end magic 0x" + Integer.toHexString(endMagic) + " at offset " + endOffset);
      }
      long bodyBytes = d.readLong();
      if (bodyBytes != body.bodyBytes()) {
        throw corrupt(
            source,
            "trailer says "
                + bodyBytes
                + " snapshot bytes at offset "
                + (endOffset + 4)
                + ", the chunks hold "
                + body.bodyBytes());
      }
      int computed = (int) crc.getValue();
      long checksumOffset = counting.count;
      int stored = new DataInputStream(counting).readInt();
      if (stored != computed) {
        throw corrupt(
            source,
            "checksum mismatch at offset "
                + checksumOffset
                + ": stored "
                + Integer.toHexString(stored)
                + ", computed "
                + Integer.toHexString(computed));
      }
      if (counting.read() != -1) {
        throw corrupt(source, "unexpected bytes after the trailer, at offset " + counting.count);
      }
      MvccStore store = restored.store();
      if (header.revision() != store.revision()
          || header.compactedRevision() != store.view().compactedRevision()) {
        throw corrupt(
            source,
            "header revisions "
                + header.revision()
                + "/"
                + header.compactedRevision()
                + " differ from the snapshot's "
                + store.revision()
                + "/"
                + store.view().compactedRevision());
      }
      return new Backup(header, restored);
    } catch (EOFException e) {
      throw corrupt(source, "truncated: the stream ends at offset " + counting.count);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read backup " + source, e);
    }
  }

  private static CorruptBackupException corrupt(String source, String reason) {
    return new CorruptBackupException(source, reason);
  }

  /** The body's chunks as one stream, ending (-1) at the terminator chunk. */
  private static final class ChunkedInputStream extends InputStream {
    private final DataInputStream in;
    private final CountingInputStream position;
    private final String source;
    private int remaining;
    private boolean ended;
    private long bodyBytes;

    ChunkedInputStream(DataInputStream in, CountingInputStream position, String source) {
      this.in = in;
      this.position = position;
      this.source = source;
    }

    private boolean nextChunk() throws IOException {
      while (remaining == 0) {
        if (ended) {
          return false;
        }
        long offset = position.count;
        int len = in.readInt();
        if (len == 0) {
          ended = true;
          return false;
        }
        if (len < 0 || len > BackupDescriptor.MAX_CHUNK_BYTES) {
          throw corrupt(
              source,
              "chunk length "
                  + len
                  + " at offset "
                  + offset
                  + " outside [1, "
                  + BackupDescriptor.MAX_CHUNK_BYTES
                  + "]");
        }
        remaining = len;
        bodyBytes += len;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!nextChunk()) {
        return -1;
      }
      remaining--;
      return in.readUnsignedByte();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!nextChunk()) {
        return -1;
      }
      int n = in.read(b, off, Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException();
      }
      remaining -= n;
      return n;
    }

    boolean ended() {
      return ended;
    }

    long bodyBytes() {
      return bodyBytes;
    }
  }

  private static final class CountingInputStream extends InputStream {
    private final InputStream in;
    long count;

    CountingInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
