package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.DataDirLockedException;
import io.etch.EtcdNodeConfig;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.MemberRemovedException;
import io.etch.NodeClosedException;
import io.etch.PeerAddress;
import io.etch.QuotaExceededException;
import io.etch.TlsSettings;
import io.etch.cluster.Cluster;
import io.etch.cluster.Member;
import io.etch.cluster.MemberIds;
import io.etch.cluster.MemberListResponse;
import io.etch.internal.lease.Lessor;
import io.etch.internal.lease.LessorConfig;
import io.etch.internal.membership.MemberCertificates;
import io.etch.internal.membership.MembershipTable;
import io.etch.internal.metrics.NodeMetrics;
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
import io.etch.lease.Lease;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmResponse;
import io.etch.maintenance.AlarmType;
import io.etch.maintenance.Maintenance;
import io.etch.maintenance.PeerTraffic;
import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.RaftConfig;
import io.etch.raft.RawNode;
import io.etch.raft.StateRole;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.conf.ConfChangeCodec;
import io.etch.raft.conf.ConfChangeType;
import io.etch.storage.fs.DataDirectoryLock;
import io.etch.storage.fs.DataDirectoryLockedException;
import io.etch.storage.mvcc.MvccConfig;
import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.RestoredStore;
import io.etch.transport.PeerEndpoint;
import io.etch.transport.PeerStats;
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
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
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
public final class NodeRuntime implements NodeServices, MembershipEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
  private static final int INBOX_CAPACITY = 64 * 1024;
  private static final int APPLY_QUEUE_BATCHES = 1024;

  /** Committed entry bytes handed to the applier and not yet applied (see {@link ApplyQueue}). */
  private static final long APPLY_QUEUE_BYTES = 64L << 20;

  static final int DEDUP_ENTRIES = 100_000;
  static final long DEDUP_BYTES = 1 << 20;
  private static final int MAX_TXN_DEPTH = 16;
  private static final int MAX_CHECKPOINTS = 1000;

  /** Serializable reads waiting for the callback executor, at most (then refused at once). */
  private static final int MAX_QUEUED_LOCAL_READS = 65_536;

  private static final int LEASE_QUEUE_CAPACITY = 64 * 1024;

  private final EtcdNodeConfig config;
  private final long memberId;
  private final long clusterId;
  private final RaftIds raftIds = new RaftIds();
  private final NodeState state;
  private final PendingRegistry pending = new PendingRegistry();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private volatile boolean closed;
  private boolean closeStarted;
  private DataDirectoryLock dataDirLock;
  private ExecutorService ownedExecutor;
  private Executor callbacks;
  private LocalReads localReads;
  private StoreHolder stores;
  private HubHolder hubs;
  private RaftLogStore log;
  private RaftOwner owner;
  private Applier applier;
  private PeerTransport transport;
  private AgentRunner ownerRunner;
  private AgentRunner applierRunner;
  private SnapshotThread snapshotThread;
  private ExecutorService walPreallocator;
  private NodeKV kv;
  private Proposer proposer;
  private NodeMaintenance maintenance;
  private final MembershipTable membershipTable = new MembershipTable();
  private NodeMembership membership;
  private NodeCluster cluster;
  private final Long2ObjectHashMap<PeerAddress> transportPeers = new Long2ObjectHashMap<>();
  private volatile RuntimeException closeError;
  private LeaseDriver leaseDriver;
  private LeaseCalls leaseCalls;
  private KeepAlives keepAlives;
  private NodeLease lease;

  private NodeRuntime(EtcdNodeConfig config) {
    this.config = config;
    this.state =
        new NodeState(
            raftIds, new NodeMetrics(config.memberName(), config.clock(), this::droppedMessages));
    this.memberId = config.memberId();
    // a joining member learns the cluster id from the first member that contacts it
    this.clusterId = config.initialClusterId().orElse(0);
    state.clusterId = clusterId;
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
    localReads = new LocalReads(callbacks, state.metrics, MAX_QUEUED_LOCAL_READS);
    RequestLimits limits =
        new RequestLimits(
            MvccConfig.DEFAULT_MAX_KEY_BYTES,
            (int) config.maxRequestBytes(),
            config.maxTxnOps(),
            MAX_TXN_DEPTH,
            MAX_CHECKPOINTS);

    List<Long> voters = new ArrayList<>();
    List<Member> initialMembers = new ArrayList<>();
    long raftId = raftIds.register(memberId);
    for (Map.Entry<String, PeerAddress> member : config.initialCluster().entrySet()) {
      long publicId = MemberIds.memberId(config.clusterToken(), member.getKey());
      voters.add(raftIds.register(publicId));
      initialMembers.add(new Member(publicId, member.getKey(), member.getValue(), false));
    }
    long[] voterIds = voters.stream().mapToLong(Long::longValue).toArray();
    membershipTable.reset(clusterId, initialMembers);
    membership =
        new NodeMembership(
            config.memberName(), memberId, membershipTable, pending, callbacks, this::header, this);
    MvccConfig mvccConfig =
        MvccConfig.builder()
            .maxKeyBytes(limits.maxKeyBytes())
            .maxValueBytes(limits.maxValueBytes())
            .maxTxnOps(limits.maxTxnOps())
            .build();
    WalRaftStorage wal =
        MemberDataDir.openLog(
            config.dataDir(),
            config.snapshotCount(),
            config.storageFileSystem(),
            walPreallocator = walPreallocator());
    log = new WalRaftLogStore(wal);
    DedupTable dedup = new DedupTable(DEDUP_ENTRIES, DEDUP_BYTES);
    boolean emptyLog = wal.lastIndex() == 0 && wal.restartState().snapshot().isEmpty();
    if (emptyLog && !config.isJoiningExisting()) {
      MvccView empty = MvccStore.create(mvccConfig).view();
      // the bootstrap snapshot carries the initial membership with addresses: a member that
      // joins later may be sent exactly this snapshot
      byte[] extra = Applier.extraBytes(dedup, List.of(), membership, null);
      MemberDataDir.bootstrapIfNew(wal, voterIds, out -> empty.writeSnapshot(out, 1, extra));
    }
    RestartState restart = wal.restartState();
    byte[] restoredExtra;
    if (emptyLog && config.isJoiningExisting()) {
      // joining: an empty log and store; the leader sends its snapshot once we are added
      stores = new StoreHolder(MvccStore.create(mvccConfig));
      restoredExtra = new byte[0];
    } else
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
            WatchHub.builder()
                .memberName(config.memberName())
                .ids(() -> state.clusterId, memberId)
                .raftTerm(() -> state.term)
                .views(stores::view)
                .callbackExecutor(callbacks)
                .progressNotifyInterval(config.progressNotifyInterval())
                .maxWatchers(config.maxWatchers())
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
            new SnapshotPolicy(
                config.snapshotCount(),
                config.snapshotDeferAboveBytes(),
                config.snapshotLogRatio(),
                restart.appliedIndex(),
                stores.view().approxBytes()),
            command -> owner.submit(command),
            config.quotaBackendBytes(),
            config.clock(),
            config.requestTimeout(),
            dedup,
            new RequestDecoder(limits),
            pending,
            callbacks,
            state,
            APPLY_QUEUE_BATCHES,
            APPLY_QUEUE_BYTES);
    applier.membership(membership);
    wireLeases(limits);
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
            () -> callbacks.execute(this::leaderKnown));
    RequestIdGenerator ids = new RequestIdGenerator(memberId, config.clock().wallMillis());
    proposer = new Proposer(this, limits, ids);
    kv = new NodeKV(this, limits, proposer);
    lease =
        new NodeLease(
            this,
            proposer,
            leaseDriver,
            leaseCalls,
            keepAlives,
            callbacks,
            config.memberName(),
            config.requestTimeout());
    maintenance =
        new NodeMaintenance(
            this,
            proposer,
            state,
            callbacks,
            config,
            applier.backups(),
            new NodeMaintenance.Gauges(
                () -> hubs.stats().watchers(),
                pending::size,
                () -> state.leaseCount,
                this::peerTraffic));

    cluster =
        new NodeCluster(
            this,
            config.clusterToken(),
            config.maxLearners(),
            membership,
            ids,
            callbacks,
            state.metrics,
            config.requestTimeout(),
            config.clock()::nanoTime);
    owner.tickHook(cluster::tick);
    owner.stepGuard(this::forwardedProposalAllowed);

    PeerAddress listen = config.peerListen();
    PeerAddress advertised = config.advertisedPeerAddress();
    List<PeerEndpoint> peers = new ArrayList<>();
    for (Member m : membershipTable.view().members()) {
      if (m.id() != memberId) {
        peers.add(endpoint(m));
        transportPeers.put(RaftIds.raftId(m.id()), m.peerAddress());
      }
    }
    PeerTransportBuilder tb =
        PeerTransport.builder()
            .localMemberId(raftId)
            .clusterId(state.clusterId)
            .listenAddress(new InetSocketAddress(listen.host(), listen.port()))
            .advertisedAddress(
                InetSocketAddress.createUnresolved(advertised.host(), advertised.port()))
            .peers(peers)
            .peerAdmission(this::admit)
            .removalListener(this::removedBy)
            .inbound(new NodeInbound(owner, leaseDriver))
            .reachabilityListener(owner::onUnreachable)
            .snapshotDirectory(config.dataDir().resolve("snap-in"));
    config
        .tls()
        .ifPresent(
            tls ->
                tb.tls(
                    tlsConfig(tls)
                        .withIdentityVerifier(MemberCertificates.verifier(config.clusterToken()))));
    transport = tb.build();
    transport.start();
    owner.transport(transport);
    leaseCalls.transport(transport);
    snapshotThread = new SnapshotThread(config.memberName());
    owner.snapshots(
        new Snapshots(
            config.memberName(),
            log,
            snapshotThread,
            state,
            owner::submit,
            config.clock()::nanoTime));
    snapshotThread.start();

    // every batch handed over wakes the applier, so it parks for the longest bound at once: a
    // ladder of microsecond parks would only add context switches between two batches
    WakeableIdleStrategy applierIdle =
        new WakeableIdleStrategy(RaftOwner.MAX_PARK_NS, RaftOwner.MAX_PARK_NS);
    owner.applierIdle(applierIdle);
    applierRunner = new AgentRunner(applierIdle, this::onAgentError, null, applier);
    AgentRunner.startOnThread(applierRunner);
    ownerRunner = new AgentRunner(owner.idleStrategy(), this::onAgentError, null, owner);
    AgentRunner.startOnThread(ownerRunner);
  }

  private static PeerEndpoint endpoint(Member m) {
    return new PeerEndpoint(RaftIds.raftId(m.id()), m.peerAddress().host(), m.peerAddress().port());
  }

  /**
   * Event loop: may a member this transport does not know connect? Yes when it is in the replicated
   * membership (its addition was applied here but the transport raced ahead), or while this member
   * is joining and not yet part of the membership it knows: the cluster that added it contacts it
   * first. Never a removed member.
   */
  private boolean admit(long dialerClusterId, long dialerRaftId, InetSocketAddress address) {
    MembershipTable.View view = membershipTable.view();
    if (state.clusterId != 0 && dialerClusterId != state.clusterId) {
      return false;
    }
    for (Member m : view.members()) {
      if (RaftIds.raftId(m.id()) == dialerRaftId) {
        return true;
      }
    }
    for (long removed : view.removedIds()) {
      if (RaftIds.raftId(removed) == dialerRaftId) {
        return false;
      }
    }
    boolean joining = config.isJoiningExisting() && view.member(memberId) == null;
    if (joining) {
      LOG.info(
          "member {} (joining) admits member {} of cluster {} at {}",
          config.memberName(),
          dialerRaftId,
          Long.toHexString(dialerClusterId),
          address);
    }
    return joining;
  }

  /**
   * Owner thread: a leader checks a membership change a follower forwarded as it would its own
   * (reachable quorum, learner readiness) and drops a refused one; the follower's caller times out.
   */
  private boolean forwardedProposalAllowed(RawNode node, Message m) {
    if (m.type() != MessageType.PROP || node.role() != StateRole.LEADER) {
      return true;
    }
    for (Entry e : m.entries()) {
      if (e.type() == EntryType.CONF_CHANGE) {
        EtchException refused;
        try {
          refused = NodeCluster.forwardedCheck(ConfChangeCodec.decode(e.data()), node.status());
        } catch (RuntimeException undecodable) {
          return true; // Raft refuses it itself
        }
        if (refused != null) {
          LOG.warn(
              "member {} (leader) drops a membership change forwarded by {}: {}",
              config.memberName(),
              m.from(),
              refused.getMessage());
          return false;
        }
      }
    }
    return true;
  }

  /** Event loop: a peer refused us as removed from the cluster. */
  private void removedBy(long peerRaftId) {
    if (membershipTable.view().member(memberId) == null && !config.isJoiningExisting()) {
      return;
    }
    LOG.warn(
        "member {}: member {} says this member was removed from the cluster",
        config.memberName(),
        peerRaftId);
    selfRemoved();
  }

  private void leaderKnown() {
    if (!config.isJoiningExisting() || membershipTable.view().member(memberId) != null) {
      ready.complete(null);
    }
  }

  @Override
  public void changed(MembershipTable.View view) {
    if (view.clusterId() != 0) {
      state.clusterId = view.clusterId();
    }
    Member self = view.member(memberId);
    state.learner = self != null && self.learner();
    for (Member m : view.members()) {
      raftIds.register(m.id());
    }
    syncTransport(view);
    if (self != null && config.isJoiningExisting() && state.leaderId != 0) {
      callbacks.execute(() -> ready.complete(null));
    }
  }

  /** Applier thread (or start): the transport's peers follow the replicated membership. */
  private void syncTransport(MembershipTable.View view) {
    synchronized (transportPeers) {
      syncTransportLocked(view);
    }
  }

  private void syncTransportLocked(MembershipTable.View view) {
    if (transport == null || closed) {
      return;
    }
    for (Member m : view.members()) {
      long id = RaftIds.raftId(m.id());
      if (m.id() == memberId) {
        continue;
      }
      PeerAddress known = transportPeers.get(id);
      if (known == null) {
        try {
          transport.addPeer(endpoint(m));
        } catch (IllegalArgumentException e) {
          // admitted by the transport when it dialled us first
          transport.updatePeer(endpoint(m));
        }
        transportPeers.put(id, m.peerAddress());
      } else if (!known.equals(m.peerAddress())) {
        transport.updatePeer(endpoint(m));
        transportPeers.put(id, m.peerAddress());
      }
    }
    if (view.member(memberId) == null) {
      return; // joining, or removed: keep every peer (a removed leader still hands over)
    }
    for (long removed : view.removedIds()) {
      long id = RaftIds.raftId(removed);
      if (transportPeers.remove(id) != null) {
        transport.removePeer(id);
      }
    }
  }

  @Override
  public void selfRemoved() {
    if (closed) {
      return;
    }
    LOG.warn("member {} was removed from the cluster; stopping", config.memberName());
    closeError = new MemberRemovedException(config.memberName(), memberId);
    // close() waits for the owner and applier threads, so it cannot run on either of them
    Thread stopper = new Thread(this::close, "etch-removed-" + config.memberName());
    stopper.setDaemon(true);
    stopper.start();
  }

  /**
   * A member stopping because it was removed answers its own pending removal as done: a peer may
   * refuse it as removed (the cluster applied the change) before its own applier got there, and the
   * caller must not see a failure for a change that was made.
   */
  private void answerOwnRemoval() {
    if (closeError == null) {
      return; // not removed: closing
    }
    long self = RaftIds.raftId(memberId);
    List<PendingProposal> own =
        pending.takeProposals(p -> p.confChange && removes(p.payload, self));
    if (own.isEmpty()) {
      return;
    }
    List<Member> rest = new ArrayList<>();
    for (Member m : membershipTable.view().members()) {
      if (m.id() != memberId) {
        rest.add(m);
      }
    }
    for (PendingProposal p : own) {
      p.succeed(new MemberListResponse(header(stores.view().revision()), rest), callbacks);
    }
  }

  private static boolean removes(byte[] confChange, long raftId) {
    try {
      ConfChange cc = ConfChangeCodec.decode(confChange);
      return cc.type() == ConfChangeType.REMOVE_NODE && cc.nodeId() == raftId;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The lessor and what drives it on the applier thread (see docs/leases.md). */
  private void wireLeases(RequestLimits limits) {
    Lessor lessor =
        new Lessor(
            LessorConfig.builder()
                .minTtlSeconds(config.minLeaseTtlSeconds())
                .promoteExtensionNs(config.electionTimeout().toNanos())
                .checkpointing(config.leaseCheckpointing())
                .maxKeyBytes(limits.maxKeyBytes())
                .build());
    leaseDriver =
        new LeaseDriver(
            config.memberName(),
            memberId,
            state,
            lessor,
            config.clock(),
            factory ->
                owner.submit(new RaftOwner.ProposeIfLeader(proposer.encodeInternal(factory))),
            LEASE_QUEUE_CAPACITY);
    LeaseApply apply =
        new LeaseApply(
            lessor,
            config.clock(),
            revision -> new Header(state.clusterId, memberId, revision, state.term),
            (revision, events) -> hubs.hub().onApplied(revision, events));
    leaseCalls =
        new LeaseCalls(
            leaseDriver,
            state,
            memberId,
            config.heartbeatInterval().toNanos(),
            limits.maxKeyBytes());
    keepAlives =
        new KeepAlives(
            leaseDriver,
            leaseCalls,
            callbacks,
            () -> header(stores.view().revision()),
            config.memberName(),
            config.requestTimeout().toNanos());
    apply.onRevoked(keepAlives::onRevoked);
    applier.leases(apply, leaseDriver, leaseCalls);
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

  private void onAgentError(Throwable error) {
    LOG.error("member {}: internal error on a node thread", config.memberName(), error);
  }

  /**
   * The node's {@code etch-wal-<member>} thread: prepares (creates, zero-fills, syncs) the next WAL
   * segment while the current one fills. Shut down at close, after the log.
   */
  private ExecutorService walPreallocator() {
    String name = "etch-wal-" + config.memberName();
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
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
    for (PeerStats stats : peerStats()) {
      out.add(
          new PeerTraffic(raftIds.memberId(stats.memberId()), stats.bytesOut(), stats.bytesIn()));
    }
    return out;
  }

  /** Peer messages dropped so far, both ways (full queues, oversized, refused by our inbox). */
  private long droppedMessages() {
    long dropped = 0;
    for (PeerStats stats : peerStats()) {
      dropped += stats.messagesDropped() + stats.inboundDropped();
    }
    return dropped;
  }

  /** The transport's counters of the current members (the transport may lag the membership). */
  private List<PeerStats> peerStats() {
    List<PeerStats> out = new ArrayList<>();
    PeerTransport t = transport;
    if (t == null) {
      return out;
    }
    for (Member member : membershipTable.view().members()) {
      long id = member.id();
      if (id != memberId) {
        try {
          out.add(t.peerStats(RaftIds.raftId(id)));
        } catch (IllegalArgumentException removed) {
          // added to the membership, not yet to the transport
        }
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

  public Cluster cluster() {
    return cluster;
  }

  /** The leader's member id as this member knows it (0: none). */
  long leaderMemberId() {
    return state.leaderMemberId();
  }

  /** Any thread: hands a command to the owner thread; false when its queue is full or closed. */
  boolean submitToOwner(RaftOwner.Command command) {
    return !closed && owner.submit(command);
  }

  /**
   * Proposes an encoded membership change; {@code check} runs first on the owner thread when this
   * member leads. The future completes once the change is applied here.
   */
  CompletableFuture<Object> proposeConfChange(
      String operation, long requestId, byte[] confChange, NodeCluster.LeaderCheck check) {
    long leader = state.leaderId;
    PeerTransport t = transport;
    if (leader == 0 || leader == RaftIds.raftId(memberId) || t == null) {
      return submitConfChange(operation, requestId, confChange, check);
    }
    // a follower: ask the leader first, so its refusal reaches the caller typed (MembershipCheck)
    CompletableFuture<Object> result = new CompletableFuture<>();
    long startNs = state.metrics.nowNs();
    t.forward(leader, MembershipCheck.KIND, confChange)
        .whenComplete(
            (answer, error) -> {
              EtchException refused = null;
              if (error == null) {
                try {
                  refused = MembershipCheck.refusal(answer);
                } catch (IllegalArgumentException undecodable) {
                  LOG.warn("member {}: {}", config.memberName(), undecodable.getMessage());
                }
              }
              if (refused != null) {
                state.metrics.requestDone(operation, startNs, true);
                EtchException typed = refused;
                callbacks.execute(() -> result.completeExceptionally(typed));
                return;
              }
              // accepted, or the leader could not be asked: propose (Raft checks it at the leader)
              submitConfChange(operation, requestId, confChange, check)
                  .whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          result.completeExceptionally(e);
                        } else {
                          result.complete(v);
                        }
                      });
            });
    return result;
  }

  private CompletableFuture<Object> submitConfChange(
      String operation, long requestId, byte[] confChange, NodeCluster.LeaderCheck check) {
    PendingProposal p =
        new PendingProposal(operation, requestId, confChange, deadlineNs(), state.metrics, true);
    pending.add(p);
    RaftOwner.Propose propose = new RaftOwner.Propose(p);
    submit(
        p,
        () -> pending.remove(p),
        owner -> {
          if (owner.raft().role() == StateRole.LEADER) {
            EtchException refused = check.check(owner.raft().status());
            if (refused != null) {
              pending.remove(p);
              p.fail(refused, callbacks);
              return;
            }
          }
          propose.execute(owner);
        });
    return p.future;
  }

  public Lease lease() {
    return lease;
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
    return new Header(state.clusterId, memberId, revision, state.term);
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
        new PendingProposal(operation, requestId, payload, deadlineNs(), state.metrics);
    pending.add(p);
    submit(p, () -> pending.remove(p), new RaftOwner.Propose(p));
    return p.future;
  }

  @Override
  public CompletableFuture<GetResponse> serializableRead(
      Supplier<GetResponse> read, boolean pointRead) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    return pointRead ? localReads.serveHere(read) : localReads.submit(read);
  }

  @Override
  public CompletableFuture<GetResponse> linearizableRead(Supplier<GetResponse> read) {
    PendingRead r = new PendingRead(read, deadlineNs(), state.metrics);
    pending.add(r);
    submit(r, () -> pending.remove(r), new RaftOwner.Read(r));
    return r.future;
  }

  private void submit(Pending<?> p, Runnable unregister, RaftOwner.Command command) {
    if (closed || !owner.submit(command)) {
      unregister.run();
      p.fail(
          closed
              ? closedError()
              : new io.etch.RequestTimeoutException(p.operation, java.time.Duration.ZERO),
          callbacks);
    } else if (closed) {
      // close() may have failed the registry before this request was registered
      p.fail(closedError(), callbacks);
    }
  }

  /** What requests fail with once closed: {@code MemberRemovedException} after a removal. */
  private RuntimeException closedError() {
    RuntimeException e = closeError;
    return e != null ? e : new NodeClosedException(config.memberName());
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
    if (snapshotThread != null) {
      snapshotThread.close(); // before the log closes: a snapshot file may be being written
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
    RuntimeException closedError = closedError();
    if (leaseDriver != null) {
      NodeClosedException nodeClosed = new NodeClosedException(config.memberName());
      leaseDriver.close(closedError);
      leaseCalls.close(nodeClosed);
      keepAlives.close(nodeClosed);
    }
    if (callbacks != null) {
      answerOwnRemoval();
      pending.failAll(closedError, callbacks);
      if (cluster != null) {
        cluster.failAll(closedError);
      }
      ready.completeExceptionally(closedError);
    }
    if (log != null) {
      log.close();
    }
    if (walPreallocator != null) {
      walPreallocator.shutdown(); // after the log: closing it waits for a segment in preparation
      try {
        if (!walPreallocator.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn(
              "member {}: WAL segment preparation still running after 10 s", config.memberName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
