package io.etch.storage.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive ownership of a data directory, so that two nodes can never open the same directory.
 *
 * <p>Takes an OS file lock ({@link FileChannel#tryLock()}) on a file named {@value #LOCK_FILE_NAME}
 * inside the directory. The OS releases the lock when the process dies, so a crashed node never
 * leaves a stale lock behind. Within one JVM the JDK refuses a second lock on the same file with
 * {@link OverlappingFileLockException}; both cases surface as {@link DataDirectoryLockedException}.
 * Works on the real file system only (it guards real directories).
 */
public final class DataDirectoryLock implements AutoCloseable {
  /** Name of the lock file inside the data directory. */
  public static final String LOCK_FILE_NAME = "LOCK";

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory}, creating it and its lock file if needed.
   *
   * @throws DataDirectoryLockedException if another holder has it
   * @throws UncheckedIOException if the directory or lock file cannot be created
   */
  public static DataDirectoryLock acquire(Path directory) {
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel =
          FileChannel.open(
              directory.resolve(LOCK_FILE_NAME),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new DataDirectoryLockedException(directory);
      }
      return new DataDirectoryLock(directory, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new DataDirectoryLockedException(directory);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock data directory " + directory, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        // the lock attempt already failed; the original error is the one to report
      }
    }
  }

  /** The locked directory. */
  public Path directory() {
    return directory;
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
