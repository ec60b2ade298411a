package io.etch.internal.node;

import io.etch.EtcdNodeConfig;

/**
 * When the applier asks for the next snapshot.
 *
 * <h2>Why not every {@code snapshotCount} entries alone</h2>
 *
 * An etcd snapshot is cheap: the data already lives in bbolt on disk, so a snapshot writes little
 * more than the membership, and etcd takes one every {@code snapshot-count} entries whatever the
 * size of the store. Ours writes the whole MVCC store, history included. Taken every {@code
 * snapshotCount} entries, its cost per write grows with the store: a store of S bytes snapshotted
 * every N entries costs S / N bytes of snapshot per entry, and with history retained S keeps
 * growing. In the 3-member put benchmark that made the snapshot threads the largest CPU consumer
 * (10.5 of 22 µs per put at 512 in flight, 2 million versions retained).
 *
 * <h2>The rule</h2>
 *
 * A snapshot is due once {@code snapshotCount} entries have been applied since the last one and,
 * when the store was at least {@code deferAboveBytes} at the last one, once the entries applied
 * since add up to at least {@code logRatio} times the store's size then. This is the policy the
 * Raft dissertation suggests for log compaction (snapshot when the log has grown by a factor of the
 * previous snapshot's size): each snapshot is paid for by at least {@code logRatio} times its size
 * in new log, so its cost per write is bounded whatever the store holds, while the log a restart
 * replays stays within {@code logRatio} times the store. Below {@code deferAboveBytes} the count
 * alone decides, as etcd's does (small stores snapshot cheaply and often).
 *
 * <p>Sizes are the store's approximate retained bytes (the figure the space quota checks) and the
 * entries' payload bytes. Counting starts again from the end of a snapshot in flight, so a snapshot
 * slower to write than the next batch of entries is to apply never runs back to back. A restart or
 * an installed leader's snapshot counts as a snapshot of the store it restores.
 *
 * <p>Applier thread only.
 */
final class SnapshotPolicy {
  private final long snapshotCount;
  private final long deferAboveBytes;
  private final double logRatio;

  private long lastIndex;
  private long storeBytesAtLast;
  private long logBytesSince;

  /**
   * @param lastIndex index of the snapshot the store was restored from
   * @param storeBytes the restored store's approximate size
   */
  SnapshotPolicy(
      long snapshotCount, long deferAboveBytes, double logRatio, long lastIndex, long storeBytes) {
    if (snapshotCount <= 0
        || deferAboveBytes <= 0
        || !(logRatio >= 0)
        || logRatio > EtcdNodeConfig.MAX_SNAPSHOT_LOG_RATIO) {
      throw new IllegalArgumentException(
          "snapshot policy: snapshotCount "
              + snapshotCount
              + " and deferAboveBytes "
              + deferAboveBytes
              + " must be > 0, logRatio "
              + logRatio
              + " in [0, "
              + EtcdNodeConfig.MAX_SNAPSHOT_LOG_RATIO
              + "]");
    }
    this.snapshotCount = snapshotCount;
    this.deferAboveBytes = deferAboveBytes;
    this.logRatio = logRatio;
    this.lastIndex = lastIndex;
    this.storeBytesAtLast = storeBytes;
  }

  /** An entry of {@code payloadBytes} was applied. */
  void applied(int payloadBytes) {
    logBytesSince += payloadBytes;
  }

  /** A snapshot is being written while entries up to {@code appliedIndex} are applied. */
  void inFlight(long appliedIndex) {
    if (appliedIndex > lastIndex) {
      lastIndex = appliedIndex;
      logBytesSince = 0;
    }
  }

  /** Whether to ask for a snapshot at {@code appliedIndex}. */
  boolean due(long appliedIndex) {
    if (appliedIndex - lastIndex < snapshotCount) {
      return false;
    }
    return storeBytesAtLast < deferAboveBytes || logBytesSince >= logRatio * storeBytesAtLast;
  }

  /** A snapshot of a store of {@code storeBytes} at {@code index} was asked for or installed. */
  void taken(long index, long storeBytes) {
    lastIndex = index;
    storeBytesAtLast = storeBytes;
    logBytesSince = 0;
  }

  /** Entries' payload bytes applied since the last snapshot (or its end, while in flight). */
  long logBytesSince() {
    return logBytesSince;
  }
}
