package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A growable {@link StorageFile} over a {@link FileChannel}; sync is {@code force(false)}. */
final class ChannelStorageFile implements StorageFile {
  private final Path path;
  private final FileChannel channel;

  ChannelStorageFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public long sizeBytes() {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the size of " + path, e);
    }
  }

  @Override
  public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
      throws IOException {
    ByteBuffer view = view(src, srcOffset, lengthBytes);
    long at = position;
    while (view.hasRemaining()) {
      at += channel.write(view, at);
    }
  }

  @Override
  public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    boolean backed = dst.byteBuffer() != null || dst.byteArray() != null;
    ByteBuffer view = backed ? view(dst, dstOffset, lengthBytes) : ByteBuffer.allocate(lengthBytes);
    long at = position;
    while (view.hasRemaining()) {
      int n = channel.read(view, at);
      if (n < 0) {
        throw new java.io.EOFException(
            path + ": read of " + lengthBytes + " bytes at " + position + " passes the end");
      }
      at += n;
    }
    if (!backed) {
      dst.putBytes(dstOffset, view.flip(), lengthBytes);
    }
  }

  private static ByteBuffer view(DirectBuffer buffer, int offset, int lengthBytes) {
    ByteBuffer bb = buffer.byteBuffer();
    if (bb != null) {
      ByteBuffer dup = bb.duplicate();
      int start = (int) (buffer.wrapAdjustment() + offset);
      dup.limit(start + lengthBytes).position(start);
      return dup;
    }
    byte[] array = buffer.byteArray();
    if (array != null) {
      return ByteBuffer.wrap(array, (int) buffer.wrapAdjustment() + offset, lengthBytes);
    }
    byte[] copy = new byte[lengthBytes];
    buffer.getBytes(offset, copy);
    return ByteBuffer.wrap(copy);
  }

  @Override
  public void sync() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
