package io.etch.storage.wal;

/** Records that a snapshot covering every entry up to {@code index} (at {@code term}) exists. */
public record WalSnapshotMarker(long index, long term) {}
