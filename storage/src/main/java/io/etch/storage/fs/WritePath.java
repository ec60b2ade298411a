package io.etch.storage.fs;

/**
 * How {@link MappedFileSystem} puts bytes into a mapped (fixed-size) file. Reads always come from
 * the mapping; Linux keeps the mapping and the page cache coherent, so both paths read the same.
 */
public enum WritePath {
  /**
   * Writes are collected in a 1 MiB write-behind buffer and handed to the kernel with one
   * positional {@code FileChannel.write} per sync (or when the buffer fills or a read overlaps it).
   * No page faults on the write path. The default until {@link #DIRECT_DSYNC} measured faster
   * (docs/storage-wal.md); what that one falls back to where O_DIRECT is refused.
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
  BUFFERED_DSYNC,
  /**
   * The write-behind buffer is block-aligned and written with a channel opened with {@code O_DIRECT
   * | O_DSYNC} ({@code ExtendedOpenOption.DIRECT} + {@code StandardOpenOption.DSYNC}): one system
   * call per sync, which is itself the barrier, and no copy into the page cache. Writes go at
   * block-aligned positions in whole blocks of the file store's block size; the partly filled last
   * block stays in the buffer and the next sync rewrites it with the new bytes appended. A crash
   * during that rewrite can only tear at sector boundaries, and the sectors holding already-synced
   * bytes are rewritten with identical content, so synced records are never damaged. Reads still go
   * through the mapping (from the disk, since a direct write drops the cached pages) unless they
   * hit the buffer. A write-back that is not a sync's (the buffer is full, a read overlaps unsynced
   * bytes) goes through a second, O_DIRECT-only descriptor, and the next sync forces once instead
   * of writing with O_DSYNC; the first sync after opening forces too (the zero-fill). If the file
   * system refuses O_DIRECT (tmpfs on old kernels, some overlay file systems: the open or the first
   * write fails), the directory's files are written as on {@link #BUFFERED_CHANNEL}, logged once as
   * a warning. The default of {@link MappedFileSystem#MappedFileSystem()}: measured faster than
   * {@link #BUFFERED_CHANNEL} at every batch size; its cost is that reads of entries older than the
   * buffer come from the disk (see docs/storage-wal.md).
   */
  DIRECT_DSYNC
}
