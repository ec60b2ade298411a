package io.etch.internal.backup;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a backup in the {@link BackupDescriptor} layout: streams the captured view chunk by chunk
 * (at most {@link BackupDescriptor#MAX_CHUNK_BYTES} buffered), so a store of any size is written
 * with bounded memory while the member keeps applying writes (the view is immutable).
 */
public final class BackupWriter {
  private BackupWriter() {}

  /** What was written. */
  public record Written(long sizeBytes, long checksum) {}

  /** Writes the backup of {@code point} to {@code out}; does not close it. */
  public static Written write(
      OutputStream out, BackupPoint point, long clusterId, long memberId, long takenAtMillis)
      throws IOException {
    CountingOutputStream counting = new CountingOutputStream(out);
    CRC32C crc = new CRC32C();
    DataOutputStream d = new DataOutputStream(new CheckedOutputStream(counting, crc));
    d.writeLong(BackupDescriptor.MAGIC);
    d.writeInt(BackupDescriptor.FORMAT_VERSION);
    d.writeInt(BackupDescriptor.HEADER_BYTES);
    d.writeLong(point.view().revision());
    d.writeLong(point.view().compactedRevision());
    d.writeLong(point.appliedIndex());
    d.writeLong(clusterId);
    d.writeLong(memberId);
    d.writeLong(takenAtMillis);
    ChunkedOutputStream body = new ChunkedOutputStream(d, 64 * 1024);
    point.view().writeSnapshot(body, point.appliedIndex(), point.extra());
    body.finish();
    d.writeInt(BackupDescriptor.END_MAGIC);
    d.writeLong(body.bodyBytes());
    d.flush();
    int checksum = (int) crc.getValue();
    DataOutputStream raw = new DataOutputStream(counting);
    raw.writeInt(checksum);
    raw.flush();
    return new Written(counting.count, Integer.toUnsignedLong(checksum));
  }

  /** Frames what is written into length-prefixed chunks; {@link #finish} writes the terminator. */
  private static final class ChunkedOutputStream extends OutputStream {
    private final DataOutputStream out;
    private final byte[] buffer;
    private int used;
    private long bodyBytes;

    ChunkedOutputStream(DataOutputStream out, int chunkBytes) {
      this.out = out;
      this.buffer = new byte[chunkBytes];
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buffer.length) {
        emit();
      }
      buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buffer.length) {
          emit();
        }
        int n = Math.min(len, buffer.length - used);
        System.arraycopy(b, off, buffer, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() {
      // chunks are emitted when full and at finish(); flushing mid-chunk would only add headers
    }

    private void emit() throws IOException {
      if (used > 0) {
        out.writeInt(used);
        out.write(buffer, 0, used);
        bodyBytes += used;
        used = 0;
      }
    }

    void finish() throws IOException {
      emit();
      out.writeInt(0);
    }

    long bodyBytes() {
      return bodyBytes;
    }
  }

  private static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
