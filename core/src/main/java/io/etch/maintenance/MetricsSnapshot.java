package io.etch.maintenance;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The numbers etcd operators watch, read at one moment (counters count since the node started).
 *
 * @param hasLeader whether the member knows a leader
 * @param leaderChanges how many times the leader it knows changed
 * @param proposalsCommitted the Raft commit index (etcd's proposals_committed_total)
 * @param proposalsApplied the applied index (etcd's proposals_applied_total)
 * @param proposalsPending client requests in flight (proposed or waiting for a read index)
 * @param proposalsFailed client requests that failed (timed out, refused, failed at apply)
 * @param walFsync durations of appending and syncing one Raft Ready to the WAL (one per sync)
 * @param snapshotSave durations of writing a Raft snapshot (the store and the state beside it)
 * @param apply durations of applying one committed entry to the store
 * @param dataSizeBytes storage size
 * @param keys live keys
 * @param watchers open watchers
 * @param leases live leases
 * @param peers traffic per peer
 * @param requestLatency latency of client requests, by operation (only operations seen so far)
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
    LatencySummary apply,
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
    Objects.requireNonNull(apply, "apply");
    peers = List.copyOf(peers);
    requestLatency = Map.copyOf(requestLatency);
  }
}
