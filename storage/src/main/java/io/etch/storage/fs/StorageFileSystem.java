package io.etch.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system seam under the write-ahead log and the snapshot files.
 *
 * <p>Production code uses {@link MappedFileSystem}; tests substitute a fault-injecting
 * implementation (in the storage test jar) that can lose unsynced writes on a simulated crash, tear
 * them at sector granularity, flip bits and fail syncs, creates or renames. The seam is therefore
 * deliberately small and states its durability rules explicitly:
 *
 * <ul>
 *   <li>File contents become durable only through {@link StorageFile#sync()}.
 *   <li>Directory entries (a create, rename or delete) become durable only through {@link
 *       #syncDirectory(Path)} on the directory that holds them.
 *   <li>{@link #rename} atomically replaces the target.
 * </ul>
 */
public interface StorageFileSystem {
  /**
   * Creates {@code dir} and missing parents (durability of the entries is the caller's concern).
   */
  void createDirectories(Path dir) throws IOException;

  /** Names of the regular files directly inside {@code dir}, sorted. */
  List<String> list(Path dir) throws IOException;

  /** Whether {@code file} exists. */
  boolean exists(Path file);

  /** Size of {@code file} in bytes, without opening (or mapping) it. */
  long size(Path file) throws IOException;

  /**
   * Creates a new fixed-size file of {@code sizeBytes} zero bytes, ready for positional writes
   * (memory-mapped in production). Fails if the file exists.
   */
  StorageFile createFixed(Path file, long sizeBytes) throws IOException;

  /** Opens an existing file for positional reads and writes within its current size. */
  StorageFile openFixed(Path file) throws IOException;

  /** Creates a new, empty file that grows as it is written (streamed snapshot files). */
  StorageFile createGrowable(Path file) throws IOException;

  /** Opens an existing file for reading (writes may still extend it). */
  StorageFile openGrowable(Path file) throws IOException;

  /** Atomically renames {@code from} to {@code to}, replacing {@code to} if it exists. */
  void rename(Path from, Path to) throws IOException;

  /** Deletes {@code file} if it exists. */
  void delete(Path file) throws IOException;

  /** Makes the creates, renames and deletes done inside {@code dir} durable. */
  void syncDirectory(Path dir) throws IOException;
}
