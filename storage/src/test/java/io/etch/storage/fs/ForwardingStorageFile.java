package io.etch.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A {@link StorageFile} that forwards every call (claims included, so a zero-copy write path stays
 * zero-copy) to another: tests extend it and override only the calls they hold, fail or watch.
 */
public class ForwardingStorageFile implements StorageFile {
  private final StorageFile delegate;

  public ForwardingStorageFile(StorageFile delegate) {
    this.delegate = delegate;
  }

  @Override
  public Path path() {
    return delegate.path();
  }

  @Override
  public long sizeBytes() {
    return delegate.sizeBytes();
  }

  @Override
  public void write(long position, DirectBuffer src, int srcOffset, int lengthBytes)
      throws IOException {
    delegate.write(position, src, srcOffset, lengthBytes);
  }

  @Override
  public void claim(long position, int lengthBytes, WriteClaim claim) throws IOException {
    delegate.claim(position, lengthBytes, claim);
  }

  @Override
  public void commit(WriteClaim claim) throws IOException {
    delegate.commit(claim);
  }

  @Override
  public void read(long position, MutableDirectBuffer dst, int dstOffset, int lengthBytes)
      throws IOException {
    delegate.read(position, dst, dstOffset, lengthBytes);
  }

  @Override
  public void sync() throws IOException {
    delegate.sync();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
