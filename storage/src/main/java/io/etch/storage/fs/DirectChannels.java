package io.etch.storage.fs;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the O_DIRECT write channels of {@link WritePath#DIRECT_DSYNC} (the zero-fill of a new file
 * and a file's two write descriptors). {@link #JDK} is the only production implementation; the
 * interface is the seam through which the tests make a file system refuse O_DIRECT at the open or
 * at the first write, the two ways real file systems refuse it (tmpfs before Linux 6.6, some
 * overlay and FUSE file systems), so the fallback to buffered writes is exercised, not assumed.
 */
interface DirectChannels {
  /** {@code FileChannel.open} with {@link ExtendedOpenOption#DIRECT}. */
  DirectChannels JDK =
      (path, dsync) ->
          dsync
              ? FileChannel.open(
                  path,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.DSYNC,
                  ExtendedOpenOption.DIRECT)
              : FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);

  /**
   * Opens {@code path} for writing with O_DIRECT, and O_DSYNC if {@code dsync}.
   *
   * @throws IOException or {@link UnsupportedOperationException} where the file system refuses
   */
  FileChannel open(Path path, boolean dsync) throws IOException;
}
