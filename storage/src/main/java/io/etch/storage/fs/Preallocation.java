package io.etch.storage.fs;

/** How {@link MappedFileSystem} gives a new fixed-size file its full size. */
public enum Preallocation {
  /**
   * Write zeros over the whole file: later syncs have no block allocation to commit, but every byte
   * of a segment is written twice (zeros, then data).
   */
  ZERO_FILL,
  /**
   * Only set the file's length (a sparse file): no extra bytes written, but each sync that first
   * touches a hole also commits the block allocation (a journal write on ext4).
   */
  SPARSE
}
