package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.EtcdNodeConfig;
import io.etch.EtchException;
import io.etch.RequestTimeoutException;
import io.etch.internal.backup.BackupPoint;
import io.etch.internal.backup.BackupWriter;
import io.etch.internal.metrics.NodeMetrics;
import io.etch.internal.request.Request;
import io.etch.kv.Header;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmResponse;
import io.etch.maintenance.HashKvResponse;
import io.etch.maintenance.HealthResponse;
import io.etch.maintenance.Maintenance;
import io.etch.maintenance.MetricsSnapshot;
import io.etch.maintenance.PeerTraffic;
import io.etch.maintenance.SnapshotResponse;
import io.etch.maintenance.StatusResponse;
import io.etch.storage.mvcc.KvHash;
import io.etch.storage.mvcc.MvccView;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's {@link Maintenance}: everything is answered from local state (published volatile
 * fields and the store's current view) on the callback executor.
 *
 * <p>Alarms are replicated state: a NOSPACE alarm is raised when a write would take the data size
 * over the quota, and disarming proposes its removal; both apply on every member.
 *
 * <p>Backups ({@link #snapshot}) are in the {@code internal.backup.BackupDescriptor} layout and
 * restored with {@code io.etch.maintenance.SnapshotRestore}.
 */
final class NodeMaintenance implements Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMaintenance.class);

  /** Health reports APPLY_LAG when the applier is this many entries behind the commit index. */
  static final long MAX_HEALTHY_APPLY_LAG = 5_000;

  /** What metrics() reads from the node's other parts. */
  record Gauges(
      LongSupplier watchers,
      LongSupplier pendingRequests,
      LongSupplier leases,
      Supplier<List<PeerTraffic>> peers) {}

  private final NodeServices services;
  private final Proposer proposer;
  private final NodeState state;
  private final Executor callbacks;
  private final EtcdNodeConfig config;
  private final BackupCaptures backups;
  private final Gauges gauges;

  NodeMaintenance(
      NodeServices services,
      Proposer proposer,
      NodeState state,
      Executor callbacks,
      EtcdNodeConfig config,
      BackupCaptures backups,
      Gauges gauges) {
    this.services = services;
    this.proposer = proposer;
    this.state = state;
    this.callbacks = callbacks;
    this.config = config;
    this.backups = backups;
    this.gauges = gauges;
  }

  @Override
  public CompletableFuture<StatusResponse> status() {
    return CompletableFuture.supplyAsync(
        () -> {
          MvccView view = services.view();
          long size = view.approxBytes();
          return new StatusResponse(
              services.header(view.revision()),
              services.memberId(),
              state.leaderMemberId(),
              state.term,
              view.revision(),
              state.commitIndex,
              state.appliedIndex,
              size,
              size,
              config.quotaBackendBytes(),
              state.learner,
              state.alarms);
        },
        callbacks);
  }

  @Override
  public CompletableFuture<HashKvResponse> hashKv(long revision) {
    return CompletableFuture.supplyAsync(
        () -> {
          MvccView view = services.view();
          KvHash hash = StoreErrors.call(() -> view.hashKv(revision), revision);
          return new HashKvResponse(
              services.header(view.revision()),
              Integer.toUnsignedLong(hash.hash()),
              hash.compactRevision(),
              hash.revision());
        },
        callbacks);
  }

  /**
   * The applier captures a consistent point between two entries (the store's immutable view, the
   * applied index and the replicated state beside the store); the backup is then streamed from that
   * view on the callback executor while the applier goes on applying writes.
   */
  @Override
  public CompletableFuture<SnapshotResponse> snapshot(OutputStream out) {
    Objects.requireNonNull(out, "out");
    CompletableFuture<BackupPoint> point = new CompletableFuture<>();
    if (!backups.offer(point)) {
      return CompletableFuture.failedFuture(
          new RequestTimeoutException("snapshot", java.time.Duration.ZERO));
    }
    return point.thenApplyAsync(
        p -> {
          try {
            long startNs = state.metrics.nowNs();
            BackupWriter.Written written =
                BackupWriter.write(
                    out,
                    p,
                    services.header(0).clusterId(),
                    services.memberId(),
                    config.clock().wallMillis());
            LOG.info(
                "member {}: backup at revision {} (index {}): {} bytes in {} ms",
                config.memberName(),
                p.view().revision(),
                p.appliedIndex(),
                written.sizeBytes(),
                TimeUnit.NANOSECONDS.toMillis(state.metrics.nowNs() - startNs));
            return new SnapshotResponse(
                services.header(p.view().revision()), written.sizeBytes(), written.checksum());
          } catch (IOException e) {
            throw new UncheckedIOException("backup stream failed", e);
          }
        },
        callbacks);
  }

  @Override
  public CompletableFuture<HealthResponse> health() {
    return CompletableFuture.supplyAsync(
        () -> {
          long lag = Math.max(0, state.commitIndex - state.appliedIndex);
          return new HealthResponse(
              header(), problems(state.leaderId != 0, state.alarms, lag), lag);
        },
        callbacks);
  }

  /** etcd's health rules: a leader is known, no alarm is raised, the apply lag is small. */
  static Set<HealthResponse.Problem> problems(
      boolean hasLeader, List<AlarmMember> alarms, long applyLagEntries) {
    Set<HealthResponse.Problem> problems = EnumSet.noneOf(HealthResponse.Problem.class);
    if (!hasLeader) {
      problems.add(HealthResponse.Problem.NO_LEADER);
    }
    if (!alarms.isEmpty()) {
      problems.add(HealthResponse.Problem.ALARM_RAISED);
    }
    if (applyLagEntries > MAX_HEALTHY_APPLY_LAG) {
      problems.add(HealthResponse.Problem.APPLY_LAG);
    }
    return problems;
  }

  @Override
  public CompletableFuture<AlarmResponse> listAlarms() {
    return CompletableFuture.supplyAsync(
        () -> new AlarmResponse(header(), state.alarms), callbacks);
  }

  @Override
  public CompletableFuture<AlarmResponse> disarmAlarm(AlarmMember alarm) {
    Objects.requireNonNull(alarm, "alarm");
    try {
      return proposer.propose(
          "alarm",
          ByteSequence.EMPTY,
          header -> new Request.Alarm(header, false, alarm),
          AlarmResponse.class);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public MetricsSnapshot metrics() {
    MvccView view = services.view();
    NodeMetrics m = state.metrics;
    return new MetricsSnapshot(
        state.leaderId != 0,
        state.leaderChanges,
        state.commitIndex,
        state.appliedIndex,
        gauges.pendingRequests().getAsLong(),
        m.failedRequests(),
        m.walSync(),
        m.snapshotSave(),
        m.apply(),
        view.approxBytes(),
        view.keyCount(),
        gauges.watchers().getAsLong(),
        gauges.leases().getAsLong(),
        gauges.peers().get(),
        m.requestLatency());
  }

  private Header header() {
    return services.header(services.view().revision());
  }
}
