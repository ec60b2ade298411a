package io.etch.storage.fs;

/**
 * How {@link MappedFileSystem} puts bytes into a mapped (fixed-size) file. Reads always come from
 * the mapping; Linux keeps the mapping and the page cache coherent, so both paths read the same.
 */
public enum WritePath {
  /**
   * Writes are collected in a 1 MiB write-behind buffer and handed to the kernel with one
   * positional {@code FileChannel.write} per sync (or when the buffer fills or a read overlaps it).
   * No page faults on the write path: measured fastest on ext4, and the default.
   */
  BUFFERED_CHANNEL,
  /**
   * Writes are memory copies into the shared mapping. Each first write to a page after it was
   * written back takes a write-protect fault (ext4 {@code page_mkwrite}), which the benchmark shows
   * costing up to half of the throughput of large batches.
   */
  MAPPED_MEMORY,
  /**
   * As {@link #BUFFERED_CHANNEL}, but the positional write goes through a channel opened with
   * {@code O_DSYNC}: the write issued by a sync is itself the durability barrier (the kernel writes
   * the range and flushes the device before returning, with fdatasync's guarantees and errors), one
   * system call instead of a write and an fdatasync. A sync still forces once after the file was
   * opened, for bytes that were written some other way (the zero-fill). Like PostgreSQL's {@code
   * wal_sync_method=open_datasync}.
   */
  BUFFERED_DSYNC
}
