package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.EtchException;
import io.etch.internal.request.Request;
import io.etch.kv.Header;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmResponse;
import io.etch.maintenance.HashKvResponse;
import io.etch.maintenance.HealthResponse;
import io.etch.maintenance.LatencySummary;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The member's {@link Maintenance}: everything is answered from local state (published volatile
 * fields and the store's current view) on the callback executor.
 *
 * <p>Alarms are replicated state: a NOSPACE alarm is raised when a write would take the data size
 * over the quota, and disarming proposes its removal; both apply on every member.
 */
final class NodeMaintenance implements Maintenance {
  /** Health reports APPLY_LAG when the applier is this many entries behind the commit index. */
  static final long MAX_HEALTHY_APPLY_LAG = 5_000;

  private final NodeServices services;
  private final Proposer proposer;
  private final NodeState state;
  private final Executor callbacks;
  private final long quotaBytes;
  private final LongSupplier watchers;
  private final LongSupplier pendingRequests;
  private final Supplier<List<PeerTraffic>> peers;

  NodeMaintenance(
      NodeServices services,
      Proposer proposer,
      NodeState state,
      Executor callbacks,
      long quotaBytes,
      LongSupplier watchers,
      LongSupplier pendingRequests,
      Supplier<List<PeerTraffic>> peers) {
    this.services = services;
    this.proposer = proposer;
    this.state = state;
    this.callbacks = callbacks;
    this.quotaBytes = quotaBytes;
    this.watchers = watchers;
    this.pendingRequests = pendingRequests;
    this.peers = peers;
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
              quotaBytes,
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

  @Override
  public CompletableFuture<SnapshotResponse> snapshot(OutputStream out) {
    Objects.requireNonNull(out, "out");
    return CompletableFuture.supplyAsync(
        () -> {
          MvccView view = services.view();
          CountingStream counting = new CountingStream(out);
          CheckedOutputStream checked = new CheckedOutputStream(counting, new CRC32C());
          try {
            view.writeSnapshot(checked, state.appliedIndex, new byte[0]);
            checked.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return new SnapshotResponse(
              services.header(view.revision()), counting.count, checked.getChecksum().getValue());
        },
        callbacks);
  }

  @Override
  public CompletableFuture<HealthResponse> health() {
    return CompletableFuture.supplyAsync(
        () -> {
          Set<HealthResponse.Problem> problems = EnumSet.noneOf(HealthResponse.Problem.class);
          if (state.leaderId == 0) {
            problems.add(HealthResponse.Problem.NO_LEADER);
          }
          long lag = Math.max(0, state.commitIndex - state.appliedIndex);
          if (!state.alarms.isEmpty()) {
            problems.add(HealthResponse.Problem.ALARM_RAISED);
          }
          if (lag > MAX_HEALTHY_APPLY_LAG) {
            problems.add(HealthResponse.Problem.APPLY_LAG);
          }
          return new HealthResponse(header(), problems, lag);
        },
        callbacks);
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
    return new MetricsSnapshot(
        state.leaderId != 0,
        state.leaderChanges,
        state.commitIndex,
        state.appliedIndex,
        pendingRequests.getAsLong(),
        state.failedRequests.sum(),
        LatencySummary.EMPTY,
        LatencySummary.EMPTY,
        view.approxBytes(),
        view.keyCount(),
        watchers.getAsLong(),
        0,
        new ArrayList<>(peers.get()),
        Map.of());
  }

  private Header header() {
    return services.header(services.view().revision());
  }

  private static final class CountingStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
