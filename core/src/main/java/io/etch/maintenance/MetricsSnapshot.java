package io.etch.maintenance;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The numbers etcd operators watch, read at one moment (counters count since the node started).
 *
 * @param hasLeader whether the member knows a leader
 * @param leaderChanges how many times the leader it knows changed
 * @param proposalsCommitted proposals committed
 * @param proposalsApplied proposals applied
 * @param proposalsPending proposals in flight (proposed, not yet applied)
 * @param proposalsFailed proposals that failed (dropped, timed out)
 * @param walFsync WAL sync durations
 * @param snapshotSave snapshot durations
 * @param dataSizeBytes storage size
 * @param keys live keys
 * @param watchers open watchers
 * @param leases live leases
 * @param peers traffic per peer
 * @param requestLatency latency of client requests, by operation
 */
public record MetricsSnapshot(
    boolean hasLeader,
    long leaderChanges,
    long proposalsCommitted,
    long proposalsApplied,
    long proposalsPending,
    long proposalsFailed,
    LatencySummary walFsync,
    LatencySummary snapshotSave,
    long dataSizeBytes,
    long keys,
    long watchers,
    long leases,
    List<PeerTraffic> peers,
    Map<Operation, LatencySummary> requestLatency) {
  /** The client operations whose latency is measured. */
  public enum Operation {
    RANGE,
    PUT,
    DELETE_RANGE,
    TXN,
    COMPACT,
    LEASE_GRANT,
    LEASE_REVOKE,
    LEASE_KEEP_ALIVE,
    MEMBER_CHANGE
  }

  public MetricsSnapshot {
    Objects.requireNonNull(walFsync, "walFsync");
    Objects.requireNonNull(snapshotSave, "snapshotSave");
    peers = List.copyOf(peers);
    requestLatency = Map.copyOf(requestLatency);
  }
}
