package io.etch;

import io.etch.cluster.Cluster;
import io.etch.internal.node.NodeRuntime;
import io.etch.kv.KV;
import io.etch.lease.Lease;
import io.etch.maintenance.Maintenance;
import io.etch.storage.JvmFlags;
import io.etch.storage.fs.StorageFileSystem;
import io.etch.watch.Watch;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * An embedded member of an etcd-compatible cluster.
 *
 * <pre>{@code
 * try (EtcdNode node = EtcdNode.builder()
 *     .memberName("m1").dataDir(dir).peerListen(PeerAddress.parse("127.0.0.1:2380"))
 *     .initialCluster(Map.of("m1", PeerAddress.parse("127.0.0.1:2380")))
 *     .build()) {
 *   node.start().join();
 *   node.kv().put(ByteSequence.from("k"), ByteSequence.from("v")).join();
 * }
 * }</pre>
 *
 * <h2>Life cycle</h2>
 *
 * {@link #builder()} validates the settings ({@link EtcdNodeConfig}); {@link #start()} checks the
 * JVM flags, locks the data directory, binds the peer port and starts the node's threads, and its
 * future completes once the member knows a leader and can serve. {@link #kv()}, {@link #watch()}
 * and {@link #maintenance()} are available after {@code start()}. {@link #close()} releases the
 * threads (the raft owner, the applier, the watch hub, the callback executor when the node created
 * it), the port and the data directory; requests still waiting fail with {@link
 * NodeClosedException}. It is idempotent. Several nodes run in one JVM; nothing is shared between
 * them.
 *
 * <h2>Threads</h2>
 *
 * See {@code docs/ARCHITECTURE.md}: one raft owner thread ({@code etch-raft-<member>}), one applier
 * ({@code etch-apply-<member>}), the watch hub's thread ({@code etch-watch-<member>}), the
 * transport's event loops and the callback executor ({@code etch-callback-<member>-N} when the node
 * owns it). Futures complete on the callback executor.
 */
public final class EtcdNode implements AutoCloseable {
  private final EtcdNodeConfig config;
  private NodeRuntime runtime;
  private CompletableFuture<EtcdNode> started;
  private boolean closed;

  private EtcdNode(EtcdNodeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * A builder whose {@link Builder#build()} validates as {@link EtcdNodeConfig.Builder#build()}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A node for an already validated configuration; not started. */
  public static EtcdNode create(EtcdNodeConfig config) {
    return new EtcdNode(config);
  }

  public EtcdNodeConfig config() {
    return config;
  }

  /** This member's id ({@link EtcdNodeConfig#memberId()}). */
  public long memberId() {
    return config.memberId();
  }

  /**
   * Starts the member. The future completes (on the callback executor) when the member knows a
   * leader (a member built with {@code joinExisting}: when it also applied a membership that
   * includes it, i.e. once some member called {@code cluster().addMember} for it and the leader
   * sent it the snapshot; until then it stays pending), or exceptionally when it cannot start
   * ({@link DataDirLockedException}, a port that cannot be bound, missing JVM flags as {@link
   * IllegalStateException}). Calling it again returns the same future.
   *
   * @throws IllegalStateException when the node was closed
   */
  public synchronized CompletableFuture<EtcdNode> start() {
    if (closed) {
      throw new IllegalStateException("node '" + config.memberName() + "' was closed");
    }
    if (started != null) {
      return started;
    }
    try {
      JvmFlags.requirePresent();
      runtime = NodeRuntime.start(config);
      started = runtime.ready().thenApply(ready -> this);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started;
  }

  private synchronized NodeRuntime running() {
    if (runtime == null) {
      throw new IllegalStateException(
          "node '" + config.memberName() + "' is not started: call start() first");
    }
    return runtime;
  }

  /** Keys, values and transactions. Available after {@link #start()}. */
  public KV kv() {
    return running().kv();
  }

  /** Watches on keys and ranges. Available after {@link #start()}. */
  public Watch watch() {
    return running().watch();
  }

  /**
   * Membership: list, add (voter or learner), promote, remove, move leadership. Available after
   * {@link #start()}.
   */
  public Cluster cluster() {
    return running().cluster();
  }

  /** Leases: grant, revoke, keep-alive, time-to-live. Available after {@link #start()}. */
  public Lease lease() {
    return running().lease();
  }

  /** Status and maintenance of this member. Available after {@link #start()}. */
  public Maintenance maintenance() {
    return running().maintenance();
  }

  /** The address the peer transport is bound to. Available after {@link #start()}. */
  public InetSocketAddress peerAddress() {
    return running().peerAddress();
  }

  /** Stops the member and releases its threads, port and data directory. Idempotent. */
  @Override
  public void close() {
    NodeRuntime toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = runtime;
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /**
   * Builds an {@link EtcdNode}: the settings of {@link EtcdNodeConfig.Builder}, validated the same
   * way by {@link #build()}.
   */
  public static final class Builder {
    private final EtcdNodeConfig.Builder config = EtcdNodeConfig.builder();

    private Builder() {}

    /** See {@link EtcdNodeConfig.Builder#memberName}. */
    public Builder memberName(String memberName) {
      config.memberName(memberName);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#dataDir}. */
    public Builder dataDir(Path dataDir) {
      config.dataDir(dataDir);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerListen}. */
    public Builder peerListen(PeerAddress peerListen) {
      config.peerListen(peerListen);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerAdvertise}. */
    public Builder peerAdvertise(PeerAddress peerAdvertise) {
      config.peerAdvertise(peerAdvertise);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#initialCluster}. */
    public Builder initialCluster(Map<String, PeerAddress> members) {
      config.initialCluster(members);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#joinExisting}. */
    public Builder joinExisting(Collection<PeerAddress> peers) {
      config.joinExisting(peers);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#clusterToken}. */
    public Builder clusterToken(String clusterToken) {
      config.clusterToken(clusterToken);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerCertFile}. */
    public Builder peerCertFile(Path certFile) {
      config.peerCertFile(certFile);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerKeyFile}. */
    public Builder peerKeyFile(Path keyFile) {
      config.peerKeyFile(keyFile);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerTrustedCaFile}. */
    public Builder peerTrustedCaFile(Path caFile) {
      config.peerTrustedCaFile(caFile);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#peerTlsManagers}. */
    public Builder peerTlsManagers(KeyManagerFactory keyManagers, TrustManagerFactory trust) {
      config.peerTlsManagers(keyManagers, trust);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#heartbeatInterval}. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      config.heartbeatInterval(heartbeatInterval);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#electionTimeout}. */
    public Builder electionTimeout(Duration electionTimeout) {
      config.electionTimeout(electionTimeout);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#snapshotCount}. */
    public Builder snapshotCount(long snapshotCount) {
      config.snapshotCount(snapshotCount);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#snapshotDeferAboveBytes}. */
    public Builder snapshotDeferAboveBytes(long snapshotDeferAboveBytes) {
      config.snapshotDeferAboveBytes(snapshotDeferAboveBytes);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#snapshotLogRatio}. */
    public Builder snapshotLogRatio(double snapshotLogRatio) {
      config.snapshotLogRatio(snapshotLogRatio);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#maxRequestBytes}. */
    public Builder maxRequestBytes(long maxRequestBytes) {
      config.maxRequestBytes(maxRequestBytes);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#maxTxnOps}. */
    public Builder maxTxnOps(int maxTxnOps) {
      config.maxTxnOps(maxTxnOps);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#maxLearners}. */
    public Builder maxLearners(int maxLearners) {
      config.maxLearners(maxLearners);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#quotaBackendBytes}. */
    public Builder quotaBackendBytes(long quotaBackendBytes) {
      config.quotaBackendBytes(quotaBackendBytes);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#leaseCheckpointing}. */
    public Builder leaseCheckpointing(boolean leaseCheckpointing) {
      config.leaseCheckpointing(leaseCheckpointing);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#progressNotifyInterval}. */
    public Builder progressNotifyInterval(Duration interval) {
      config.progressNotifyInterval(interval);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#maxWatchers}. */
    public Builder maxWatchers(int maxWatchers) {
      config.maxWatchers(maxWatchers);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#callbackExecutor}. */
    public Builder callbackExecutor(Executor executor) {
      config.callbackExecutor(executor);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#clock}. */
    public Builder clock(Clock clock) {
      config.clock(clock);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#requestTimeout}. */
    public Builder requestTimeout(Duration requestTimeout) {
      config.requestTimeout(requestTimeout);
      return this;
    }

    /** See {@link EtcdNodeConfig.Builder#storageFileSystem}. */
    public Builder storageFileSystem(StorageFileSystem fileSystem) {
      config.storageFileSystem(fileSystem);
      return this;
    }

    /**
     * A node that is not started yet.
     *
     * @throws InvalidArgumentException naming the setting and the conflict
     */
    public EtcdNode build() {
      return new EtcdNode(config.build());
    }
  }
}
