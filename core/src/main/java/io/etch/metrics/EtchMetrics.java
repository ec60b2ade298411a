package io.etch.metrics;

import io.etch.EtcdNode;
import io.etch.cluster.MemberIds;
import io.etch.maintenance.LatencySummary;
import io.etch.maintenance.MetricsSnapshot;
import io.etch.maintenance.PeerTraffic;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes one member's {@link MetricsSnapshot} to a Micrometer {@link MeterRegistry}, under
 * etcd's metric names where etcd has one, so existing etcd dashboards and alerts apply.
 *
 * <p>Micrometer is an <em>optional</em> dependency of Etch: only this class (and nothing the node
 * loads) refers to it, so a node runs without Micrometer on the classpath as long as this class is
 * not used. With Spring Boot, declare the binder as a bean and the meters appear on {@code
 * /actuator/prometheus} with no other glue:
 *
 * <pre>{@code
 * @Bean MeterBinder etchMetrics(EtcdNode node) { return new EtchMetrics(node); }
 * }</pre>
 *
 * <p>or bind it yourself: {@code EtchMetrics.bind(node, registry)}.
 *
 * <h2>Names</h2>
 *
 * Meter names are Micrometer's dotted form; the Prometheus registry renders {@code
 * etcd.server.has.leader} as {@code etcd_server_has_leader}, appends {@code _total} to counters and
 * {@code _seconds_count}/{@code _seconds_sum}/{@code _seconds_max} to timers. Every meter carries a
 * {@code member} tag (the member name), plus the tags given to the constructor. See {@code
 * docs/operations.md} for the full table.
 *
 * <h2>Cost</h2>
 *
 * Meters are read when the registry is scraped, from one {@code maintenance().metrics()} snapshot
 * reused for {@link #SNAPSHOT_MAX_AGE_NS} (read with the node's clock), so a scrape costs one
 * snapshot, not one per meter; nothing is recorded into Micrometer on the node's hot paths.
 */
public final class EtchMetrics implements MeterBinder {
  /** How long one metrics snapshot serves a scrape's meters. */
  public static final long SNAPSHOT_MAX_AGE_NS = TimeUnit.MILLISECONDS.toNanos(500);

  private final EtcdNode node;
  private final Tags tags;

  // guarded by this
  private MetricsSnapshot cached;
  private long cachedAtNs;

  /** A binder for {@code node} (started or not: meters read it when scraped). */
  public EtchMetrics(EtcdNode node, Iterable<Tag> extraTags) {
    this.node = Objects.requireNonNull(node, "node");
    this.tags = Tags.of("member", node.config().memberName()).and(extraTags);
  }

  public EtchMetrics(EtcdNode node) {
    this(node, Tags.empty());
  }

  /** Binds {@code node}'s meters to {@code registry}; returns the binder. */
  public static EtchMetrics bind(EtcdNode node, MeterRegistry registry) {
    EtchMetrics binder = new EtchMetrics(node);
    binder.bindTo(registry);
    return binder;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        "etcd.server.has.leader",
        "Whether a leader is known (1) or not (0)",
        m -> m.hasLeader() ? 1 : 0);
    counter(
        registry,
        "etcd.server.leader.changes.seen",
        "Leader changes seen",
        MetricsSnapshot::leaderChanges);
    counter(
        registry,
        "etcd.server.proposals.committed",
        "Raft commit index",
        MetricsSnapshot::proposalsCommitted);
    counter(
        registry,
        "etcd.server.proposals.applied",
        "Applied index",
        MetricsSnapshot::proposalsApplied);
    gauge(
        registry,
        "etcd.server.proposals.pending",
        "Client requests in flight",
        MetricsSnapshot::proposalsPending);
    counter(
        registry,
        "etcd.server.proposals.failed",
        "Failed client requests",
        MetricsSnapshot::proposalsFailed);
    timer(
        registry,
        "etcd.disk.wal.fsync.duration",
        "WAL append and sync of one Raft Ready",
        MetricsSnapshot::walFsync,
        Tags.empty());
    timer(
        registry,
        "etcd.debugging.snap.save.total.duration",
        "Raft snapshot writes",
        MetricsSnapshot::snapshotSave,
        Tags.empty());
    timer(
        registry,
        "etcd.server.apply.duration",
        "Applying one committed entry",
        MetricsSnapshot::apply,
        Tags.empty());
    gauge(
        registry,
        "etcd.mvcc.db.total.size.in.bytes",
        "Storage size, bytes",
        MetricsSnapshot::dataSizeBytes);
    gauge(registry, "etcd.debugging.mvcc.keys.total", "Live keys", MetricsSnapshot::keys);
    gauge(
        registry, "etcd.debugging.mvcc.watcher.total", "Open watchers", MetricsSnapshot::watchers);
    gauge(registry, "etch.lease.active", "Live leases", MetricsSnapshot::leases);
    for (MetricsSnapshot.Operation op : MetricsSnapshot.Operation.values()) {
      timer(
          registry,
          "etch.request.duration",
          "Client request latency by operation",
          m -> m.requestLatency().getOrDefault(op, LatencySummary.EMPTY),
          Tags.of("operation", op.name().toLowerCase(Locale.ROOT)));
    }
    String token = node.config().clusterToken();
    for (String name : node.config().initialCluster().keySet()) {
      long peer = MemberIds.memberId(token, name);
      if (peer == node.memberId()) {
        continue;
      }
      String id = Long.toHexString(peer);
      FunctionCounter.builder(
              "etcd.network.peer.sent.bytes", this, b -> b.peer(peer, PeerTraffic::bytesSent))
          .description("Bytes sent to a peer")
          .baseUnit("bytes")
          .tags(tags.and("To", id))
          .register(registry);
      FunctionCounter.builder(
              "etcd.network.peer.received.bytes",
              this,
              b -> b.peer(peer, PeerTraffic::bytesReceived))
          .description("Bytes received from a peer")
          .baseUnit("bytes")
          .tags(tags.and("From", id))
          .register(registry);
    }
  }

  private void gauge(
      MeterRegistry registry, String name, String help, ToDoubleFunction<MetricsSnapshot> f) {
    Gauge.builder(name, this, b -> b.read(f))
        .strongReference(true)
        .description(help)
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry, String name, String help, ToLongFunction<MetricsSnapshot> f) {
    FunctionCounter.builder(name, this, b -> b.read(m -> (double) f.applyAsLong(m)))
        .description(help)
        .tags(tags)
        .register(registry);
  }

  private void timer(
      MeterRegistry registry,
      String name,
      String help,
      Function<MetricsSnapshot, LatencySummary> f,
      Tags more) {
    FunctionTimer.builder(
            name,
            this,
            b -> {
              MetricsSnapshot m = b.snapshot();
              return m == null ? 0 : f.apply(m).count();
            },
            b -> b.read(m -> (double) f.apply(m).totalNanos()),
            TimeUnit.NANOSECONDS)
        .description(help)
        .tags(tags.and(more))
        .register(registry);
  }

  private double peer(long memberId, ToLongFunction<PeerTraffic> f) {
    return read(
        m -> {
          for (PeerTraffic p : m.peers()) {
            if (p.memberId() == memberId) {
              return f.applyAsLong(p);
            }
          }
          return 0;
        });
  }

  /** A value of the current snapshot; NaN while the node is not started. */
  private double read(ToDoubleFunction<MetricsSnapshot> f) {
    MetricsSnapshot m = snapshot();
    return m == null ? Double.NaN : f.applyAsDouble(m);
  }

  private synchronized MetricsSnapshot snapshot() {
    long now = node.config().clock().nanoTime();
    if (cached == null || now - cachedAtNs > SNAPSHOT_MAX_AGE_NS) {
      try {
        cached = node.maintenance().metrics();
        cachedAtNs = now;
      } catch (IllegalStateException notStarted) {
        return null;
      }
    }
    return cached;
  }
}
