package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.DataDirLockedException;
import io.etch.EtcdNodeConfig;
import io.etch.InvalidArgumentException;
import io.etch.NodeClosedException;
import io.etch.PeerAddress;
import io.etch.QuotaExceededException;
import io.etch.TlsSettings;
import io.etch.cluster.MemberIds;
import io.etch.internal.raftlog.RaftLogConfig;
import io.etch.internal.raftlog.RestartState;
import io.etch.internal.raftlog.WalRaftStorage;
import io.etch.internal.request.DedupTable;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestDecoder;
import io.etch.internal.request.RequestIdGenerator;
import io.etch.internal.request.RequestLimits;
import io.etch.internal.watch.WatchHub;
import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.kv.KV;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmResponse;
import io.etch.maintenance.AlarmType;
import io.etch.maintenance.Maintenance;
import io.etch.maintenance.PeerTraffic;
import io.etch.raft.ConfState;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.storage.fs.DataDirectoryLock;
import io.etch.storage.fs.DataDirectoryLockedException;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.RestoredStore;
import io.etch.transport.PeerEndpoint;
import io.etch.transport.PeerTransport;
import io.etch.transport.PeerTransportBuilder;
import io.etch.transport.tls.TlsConfig;
import io.etch.watch.Watch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running member: the pieces of a node wired together, started and closed in order.
 *
 * <h2>Start</h2>
 *
 * Locks the data directory, creates the callback executor (unless the config brings one), opens the
 * WAL-backed Raft log (bootstrapping a new one with the initial membership), restores the store,
 * dedup table and alarms from its snapshot, creates the watch hub, the Raft core (applied index =
 * the snapshot's, so it re-delivers the committed tail), the applier and the owner agents, binds
 * the transport, then starts the applier and owner threads. {@link #ready()} completes once a
 * leader is known.
 *
 * <h2>Close</h2>
 *
 * Stops accepting requests, hands leadership over when leading, stops the owner thread (no more
 * Raft I/O), closes the transport (ports free), stops the applier, closes the watch hub (watches
 * end with {@code NodeClosedException}), fails every waiting request with {@code
 * NodeClosedException}, shuts the owned executor down and releases the data-directory lock.
 */
public final class NodeRuntime implements NodeServices, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
  private static final int INBOX_CAPACITY = 64 * 1024;
  private static final int APPLY_QUEUE_BATCHES = 1024;
  private static final int DEDUP_ENTRIES = 100_000;
  private static final long DEDUP_BYTES = 1 << 20;
  private static final int MAX_TXN_DEPTH = 16;
  private static final int MAX_CHECKPOINTS = 1000;
  private static final long WAL_SEGMENT_BYTES = 16L << 20;

  private final EtcdNodeConfig config;
  private final long memberId;
  private final long clusterId;
  private final RaftIds raftIds = new RaftIds();
  private final NodeState state = new NodeState(raftIds);
  private final PendingRegistry pending = new PendingRegistry();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private volatile boolean closed;
  private boolean closeStarted;
  private DataDirectoryLock dataDirLock;
  private ExecutorService ownedExecutor;
  private Executor callbacks;
  private StoreHolder stores;
  private HubHolder hubs;
  private RaftLogStore log;
  private RaftOwner owner;
  private Applier applier;
  private PeerTransport transport;
  private AgentRunner ownerRunner;
  private AgentRunner applierRunner;
  private NodeKV kv;
  private Proposer proposer;
  private NodeMaintenance maintenance;

  private NodeRuntime(EtcdNodeConfig config) {
    this.config = config;
    this.memberId = config.memberId();
    this.clusterId =
        config
            .initialClusterId()
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "joinExisting",
                        "joining an existing cluster is not available yet: start every founding"
                            + " member with initialCluster"));
  }

  /**
   * Starts a member; on failure everything started so far is released and the error is thrown.
   *
   * @throws DataDirLockedException when another node holds the data directory
   * @throws InvalidArgumentException for a configuration this build cannot run (joinExisting)
   */
  public static NodeRuntime start(EtcdNodeConfig config) {
    NodeRuntime runtime = new NodeRuntime(config);
    try {
      runtime.startAll();
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private void startAll() {
    lockDataDir();
    callbacks = config.callbackExecutor().orElseGet(this::ownExecutor);
    RequestLimits limits =
        new RequestLimits(
            MvccConfig.DEFAULT_MAX_KEY_BYTES,
            (int) config.maxRequestBytes(),
            config.maxTxnOps(),
            MAX_TXN_DEPTH,
            MAX_CHECKPOINTS);

    List<Long> voters = new ArrayList<>();
    List<PeerEndpoint> peers = new ArrayList<>();
    long raftId = raftIds.register(memberId);
    for (Map.Entry<String, PeerAddress> member : config.initialCluster().entrySet()) {
      long id = raftIds.register(MemberIds.memberId(config.clusterToken(), member.getKey()));
      voters.add(id);
      if (id != raftId) {
        peers.add(new PeerEndpoint(id, member.getValue().host(), member.getValue().port()));
      }
    }
    long[] voterIds = voters.stream().mapToLong(Long::longValue).toArray();
    MvccConfig mvccConfig =
        MvccConfig.builder()
            .maxKeyBytes(limits.maxKeyBytes())
            .maxValueBytes(limits.maxValueBytes())
            .maxTxnOps(limits.maxTxnOps())
            .build();
    WalRaftStorage wal =
        WalRaftStorage.open(
            RaftLogConfig.builder(config.dataDir().resolve("raft"))
                .fileSystem(config.storageFileSystem())
                .segmentSizeBytes(WAL_SEGMENT_BYTES)
                .snapshotCatchUpEntries(
                    Math.min(
                        RaftLogConfig.DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES, config.snapshotCount()))
                .build());
    log = new WalRaftLogStore(wal);
    if (wal.lastIndex() == 0 && wal.restartState().snapshot().isEmpty()) {
      MvccStore empty = MvccStore.create(mvccConfig);
      wal.bootstrap(
          ConfState.of(voterIds, new long[0]),
          out -> empty.view().writeSnapshot(out, 1, new byte[0]));
    }
    RestartState restart = wal.restartState();
    byte[] restoredExtra;
    DedupTable dedup = new DedupTable(DEDUP_ENTRIES, DEDUP_BYTES);
    try (InputStream in = wal.openSnapshotStateMachine()) {
      RestoredStore restored = MvccStore.restore(in, mvccConfig);
      stores = new StoreHolder(restored.store());
      restoredExtra = restored.extra();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the store of " + config.dataDir(), e);
    }
    state.appliedIndex = restart.appliedIndex();
    hubs =
        new HubHolder(
            () ->
                WatchHub.builder()
                    .memberName(config.memberName())
                    .ids(clusterId, memberId)
                    .raftTerm(() -> state.term)
                    .views(stores::view)
                    .callbackExecutor(callbacks)
                    .progressNotifyInterval(config.progressNotifyInterval())
                    .build());
    RawNode node =
        new RawNode(
            RaftConfig.builder(raftId)
                .electionTimeoutTicks(config.electionTimeoutTicks())
                .heartbeatIntervalTicks(1)
                .appliedIndex(restart.appliedIndex())
                .random(new SplittableRandom(raftId ^ config.clock().nanoTime()))
                .build(),
            log);
    applier =
        new Applier(
            config.memberName(),
            clusterId,
            memberId,
            stores,
            hubs,
            mvccConfig,
            config.snapshotCount(),
            restart.appliedIndex(),
            command -> owner.submit(command),
            config.quotaBackendBytes(),
            config.clock(),
            config.requestTimeout(),
            dedup,
            new RequestDecoder(limits),
            pending,
            callbacks,
            state,
            APPLY_QUEUE_BATCHES);
    applier.restoreExtra(restoredExtra);
    owner =
        new RaftOwner(
            config.memberName(),
            node,
            log,
            applier,
            state,
            config.clock(),
            config.heartbeatInterval(),
            config.electionTimeoutTicks(),
            config.requestTimeout(),
            callbacks,
            pending,
            INBOX_CAPACITY,
            () -> callbacks.execute(() -> ready.complete(null)));
    RequestIdGenerator ids = new RequestIdGenerator(memberId, config.clock().wallMillis());
    proposer = new Proposer(this, limits, ids);
    kv = new NodeKV(this, limits, proposer);
    maintenance =
        new NodeMaintenance(
            this,
            proposer,
            state,
            callbacks,
            config.quotaBackendBytes(),
            () -> hubs.stats().watchers(),
            pending::size,
            this::peerTraffic);

    PeerAddress listen = config.peerListen();
    PeerTransportBuilder tb =
        PeerTransport.builder()
            .localMemberId(raftId)
            .clusterId(clusterId)
            .listenAddress(new InetSocketAddress(listen.host(), listen.port()))
            .peers(peers)
            .inbound(owner)
            .reachabilityListener(owner::onUnreachable)
            .snapshotDirectory(config.dataDir().resolve("snap-in"));
    config.tls().ifPresent(tls -> tb.tls(tlsConfig(tls)));
    transport = tb.build();
    transport.start();
    owner.transport(transport);

    applierRunner = new AgentRunner(idle(), this::onAgentError, null, applier);
    AgentRunner.startOnThread(applierRunner);
    ownerRunner = new AgentRunner(idle(), this::onAgentError, null, owner);
    AgentRunner.startOnThread(ownerRunner);
  }

  private static TlsConfig tlsConfig(TlsSettings tls) {
    return switch (tls.kind()) {
      case PEM -> {
        TlsSettings.Pem pem = (TlsSettings.Pem) tls;
        yield TlsConfig.pem(pem.certFile(), pem.keyFile(), pem.trustedCaFile());
      }
      case MANAGERS -> {
        TlsSettings.Managers m = (TlsSettings.Managers) tls;
        yield TlsConfig.managers(m.keyManagers(), m.trustManagers());
      }
    };
  }

  private static IdleStrategy idle() {
    return new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
  }

  private void onAgentError(Throwable error) {
    LOG.error("member {}: internal error on a node thread", config.memberName(), error);
  }

  private ExecutorService ownExecutor() {
    AtomicInteger n = new AtomicInteger();
    String prefix = "etch-callback-" + config.memberName() + "-";
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // unbounded queue: the watch hub requires an executor whose execute never blocks or rejects
    ownedExecutor =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    return ownedExecutor;
  }

  private void lockDataDir() {
    try {
      dataDirLock = DataDirectoryLock.acquire(config.dataDir());
    } catch (DataDirectoryLockedException e) {
      throw new DataDirLockedException(config.dataDir());
    }
  }

  private List<PeerTraffic> peerTraffic() {
    List<PeerTraffic> out = new ArrayList<>();
    for (Map.Entry<String, PeerAddress> member : config.initialCluster().entrySet()) {
      long id = MemberIds.memberId(config.clusterToken(), member.getKey());
      if (id != memberId) {
        var stats = transport.peerStats(RaftIds.raftId(id));
        out.add(new PeerTraffic(id, stats.bytesOut(), stats.bytesIn()));
      }
    }
    return out;
  }

  /** Completes (on the callback executor) once this member knows a leader. */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  public KV kv() {
    return kv;
  }

  public Watch watch() {
    return hubs;
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /** The address the transport listens on. */
  public InetSocketAddress peerAddress() {
    return transport.localAddress();
  }

  @Override
  public long memberId() {
    return memberId;
  }

  @Override
  public long maxRequestBytes() {
    return config.maxRequestBytes();
  }

  @Override
  public MvccView view() {
    return stores.view();
  }

  @Override
  public Header header(long revision) {
    return new Header(clusterId, memberId, revision, state.term);
  }

  private long deadlineNs() {
    return config.clock().nanoTime() + config.requestTimeout().toNanos();
  }

  @Override
  public QuotaExceededException checkQuota(ByteSequence key) {
    long size = stores.view().approxBytes();
    boolean raised = false;
    for (AlarmMember alarm : state.alarms) {
      raised |= alarm.alarm() == AlarmType.NOSPACE;
    }
    if (!raised && size + config.maxRequestBytes() <= config.quotaBackendBytes()) {
      return null;
    }
    if (!raised) {
      LOG.warn(
          "member {}: data size {} bytes leaves less than a request's room under the quota of {}"
              + " bytes; raising NOSPACE",
          config.memberName(),
          size,
          config.quotaBackendBytes());
      proposer.propose(
          "alarm",
          key,
          header -> new Request.Alarm(header, true, new AlarmMember(memberId, AlarmType.NOSPACE)),
          AlarmResponse.class);
    }
    return new QuotaExceededException(config.quotaBackendBytes(), size);
  }

  @Override
  public CompletableFuture<Object> propose(String operation, long requestId, byte[] payload) {
    PendingProposal p =
        new PendingProposal(operation, requestId, payload, deadlineNs(), state.failedRequests);
    pending.add(p);
    submit(p, () -> pending.remove(p), new RaftOwner.Propose(p));
    return p.future;
  }

  @Override
  public CompletableFuture<GetResponse> serializableRead(Supplier<GetResponse> read) {
    if (closed) {
      return CompletableFuture.failedFuture(new NodeClosedException(config.memberName()));
    }
    CompletableFuture<GetResponse> f = new CompletableFuture<>();
    callbacks.execute(
        () -> {
          try {
            f.complete(read.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  @Override
  public CompletableFuture<GetResponse> linearizableRead(Supplier<GetResponse> read) {
    PendingRead r = new PendingRead(read, deadlineNs(), state.failedRequests);
    pending.add(r);
    submit(r, () -> pending.remove(r), new RaftOwner.Read(r));
    return r.future;
  }

  private void submit(Pending<?> p, Runnable unregister, RaftOwner.Command command) {
    if (closed || !owner.submit(command)) {
      unregister.run();
      p.fail(
          closed
              ? new NodeClosedException(config.memberName())
              : new io.etch.RequestTimeoutException(p.operation, java.time.Duration.ZERO),
          callbacks);
    } else if (closed) {
      // close() may have failed the registry before this request was registered
      p.fail(new NodeClosedException(config.memberName()), callbacks);
    }
  }

  @Override
  public synchronized void close() {
    if (closeStarted) {
      return;
    }
    closeStarted = true;
    closed = true;
    handOverLeadership();
    if (ownerRunner != null) {
      ownerRunner.close();
    }
    if (transport != null) {
      transport.close();
    }
    if (applierRunner != null) {
      applierRunner.close();
    }
    if (hubs != null) {
      hubs.close();
    }
    NodeClosedException closedError = new NodeClosedException(config.memberName());
    if (callbacks != null) {
      pending.failAll(closedError, callbacks);
      ready.completeExceptionally(closedError);
    }
    if (log != null) {
      log.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        if (!ownedExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("member {}: callbacks still running after 10 s", config.memberName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    releaseLock();
  }

  /** A leader hands leadership over before it stops, waiting at most one election timeout. */
  private void handOverLeadership() {
    if (ownerRunner == null) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!owner.submit(new RaftOwner.HandOver(done))) {
      return;
    }
    try {
      done.get(config.electionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "member {}: leadership not handed over within {}; closing anyway",
          config.memberName(),
          config.electionTimeout());
    } catch (ExecutionException e) {
      LOG.warn("member {}: leadership hand-over failed", config.memberName(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseLock() {
    if (dataDirLock != null) {
      try {
        dataDirLock.close();
      } catch (IOException e) {
        LOG.warn("member {}: could not release the data directory lock", config.memberName(), e);
      }
      dataDirLock = null;
    }
  }
}
