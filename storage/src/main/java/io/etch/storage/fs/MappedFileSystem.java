package io.etch.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link StorageFileSystem}: fixed-size files are memory-mapped through
 * chronicle-bytes ({@link MappedStorageFile}), growable files use a plain {@link FileChannel}
 * ({@link ChannelStorageFile}), and directories are made durable by forcing a channel opened on the
 * directory itself (which is how Linux exposes fsync of a directory).
 *
 * <p>Fixed files must be a whole number of 4 KiB pages (chronicle grows a mapped file to its
 * page-aligned capacity, which must never happen to a damaged file being inspected). They are
 * pre-allocated by writing zeros (not by extending a sparse file) so that later syncs only have
 * data to flush, never block allocations, and so that unwritten space reads as zeros after any
 * crash. One instance may be shared; its only state is the set of directories whose file system
 * refused O_DIRECT.
 */
public final class MappedFileSystem implements StorageFileSystem {
  private static final Logger LOG = LoggerFactory.getLogger(MappedFileSystem.class);
  private static final int ZERO_CHUNK_BYTES = 1 << 20;

  /**
   * The default: {@link WritePath#DIRECT_DSYNC} (falling back to {@link WritePath#BUFFERED_CHANNEL}
   * by itself where the file system refuses O_DIRECT), zero-filled files. Checks that the JVM has
   * the flags chronicle-bytes needs for mapping ({@link io.etch.storage.JvmFlags}), so a missing
   * flag fails here with its name rather than deep inside a mapping call.
   */
  public MappedFileSystem() {
    this(WritePath.DIRECT_DSYNC);
  }

  /** A file system writing mapped files through {@code writePath} (see {@link WritePath}). */
  public MappedFileSystem(WritePath writePath) {
    this(writePath, Preallocation.ZERO_FILL);
  }

  /** A file system with explicit write path and pre-allocation (see the two enums). */
  public MappedFileSystem(WritePath writePath, Preallocation preallocation) {
    this(writePath, preallocation, DirectChannels.JDK);
  }

  /** As {@link #MappedFileSystem(WritePath, Preallocation)}, opening O_DIRECT channels so. */
  MappedFileSystem(
      WritePath writePath, Preallocation preallocation, DirectChannels directChannels) {
    io.etch.storage.JvmFlags.requirePresent();
    this.writePath = java.util.Objects.requireNonNull(writePath, "writePath");
    this.preallocation = java.util.Objects.requireNonNull(preallocation, "preallocation");
    this.directChannels = java.util.Objects.requireNonNull(directChannels, "directChannels");
  }

  private final WritePath writePath;
  private final Preallocation preallocation;
  private final DirectChannels directChannels;

  /**
   * Directories whose file system refused O_DIRECT (logged once each; their files are written
   * buffered). Instance state: one file system per log in practice, never shared statically.
   */
  private final Set<Path> directRefusedIn = ConcurrentHashMap.newKeySet();

  private final MappedStorageFile.DirectRefusal directRefusal =
      new MappedStorageFile.DirectRefusal() {
        @Override
        public boolean allowed(Path file) {
          return !directRefusedIn.contains(directoryOf(file));
        }

        @Override
        public void refused(Path file, Exception why) {
          if (directRefusedIn.add(directoryOf(file))) {
            LOG.warn(
                "{}: the file system refuses O_DIRECT writes ({}); files in {} are written through"
                    + " the buffered path ({}) instead of {}",
                file,
                why.toString(),
                directoryOf(file),
                WritePath.BUFFERED_CHANNEL,
                WritePath.DIRECT_DSYNC);
          }
        }
      };

  private static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent != null ? parent : file.toAbsolutePath();
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (Files.isRegularFile(p)) {
          names.add(p.getFileName().toString());
        }
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public boolean exists(Path file) {
    return Files.exists(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public StorageFile createFixed(Path file, long sizeBytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      if (preallocation == Preallocation.SPARSE) {
        ch.write(ByteBuffer.allocate(1), sizeBytes - 1);
        return MappedStorageFile.open(file, writePath, true, directRefusal, directChannels);
      }
      if (writePath != WritePath.DIRECT_DSYNC || !zeroFillDirect(file, sizeBytes)) {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK_BYTES, sizeBytes));
        long position = 0;
        while (position < sizeBytes) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), sizeBytes - position));
          position += ch.write(zeros, position);
        }
      }
    }
    return MappedStorageFile.open(file, writePath, true, directRefusal, directChannels);
  }

  /**
   * {@link WritePath#DIRECT_DSYNC}: writes the zeros with O_DIRECT too, so the new file leaves no
   * pages in the page cache that its direct writes would have to drop later (and no dirty pages to
   * write back). Returns false, having written nothing, where the file system refuses O_DIRECT (the
   * caller then zero-fills buffered); the file's first sync makes the zeros durable either way.
   */
  private boolean zeroFillDirect(Path file, long sizeBytes) throws IOException {
    if (!directRefusal.allowed(file)) {
      return false;
    }
    int blockBytes;
    FileChannel direct;
    try {
      long block = Files.getFileStore(file).getBlockSize();
      if (block <= 0 || block > ZERO_CHUNK_BYTES || sizeBytes % block != 0) {
        return false; // MappedStorageFile.open reports it
      }
      blockBytes = (int) block;
      direct = directChannels.open(file, false);
    } catch (IOException | UnsupportedOperationException e) {
      directRefusal.refused(file, e);
      return false;
    }
    try (direct) {
      ByteBuffer zeros =
          ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES + blockBytes).alignedSlice(blockBytes);
      long position = 0;
      while (position < sizeBytes) {
        zeros.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, sizeBytes - position));
        try {
          position += direct.write(zeros, position);
        } catch (IOException e) {
          if (position > 0) {
            throw e;
          }
          directRefusal.refused(file, e); // accepted at open, refused at the first write
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public StorageFile openFixed(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    return MappedStorageFile.open(file, writePath, false, directRefusal, directChannels);
  }

  @Override
  public StorageFile createGrowable(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (writePath != WritePath.DIRECT_DSYNC) {
      return new ChannelStorageFile(file, channel);
    }
    try {
      return DirectGrowableFile.create(file, channel, directRefusal, directChannels);
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public StorageFile openGrowable(Path file) throws IOException {
    return new ChannelStorageFile(
        file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
