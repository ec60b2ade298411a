package io.etch.storage.snap;

import java.nio.file.Path;

/** A snapshot file on disk: the last entry index and term it covers, and where it is. */
public record SnapshotMeta(long index, long term, Path file) {}
