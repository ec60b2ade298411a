package io.etch.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link StorageFileSystem} that forwards every call to another: tests extend it and override
 * only the calls they hold, fail or watch.
 */
public class ForwardingFileSystem implements StorageFileSystem {
  private final StorageFileSystem delegate;

  public ForwardingFileSystem(StorageFileSystem delegate) {
    this.delegate = delegate;
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public boolean exists(Path file) {
    return delegate.exists(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override
  public StorageFile createFixed(Path file, long sizeBytes) throws IOException {
    return delegate.createFixed(file, sizeBytes);
  }

  @Override
  public StorageFile openFixed(Path file) throws IOException {
    return delegate.openFixed(file);
  }

  @Override
  public StorageFile createGrowable(Path file) throws IOException {
    return delegate.createGrowable(file);
  }

  @Override
  public StorageFile openGrowable(Path file) throws IOException {
    return delegate.openGrowable(file);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    delegate.rename(from, to);
  }

  @Override
  public void delete(Path file) throws IOException {
    delegate.delete(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }
}
