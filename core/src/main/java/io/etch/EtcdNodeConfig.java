package io.etch;

import io.etch.cluster.MemberIds;
import io.etch.storage.fs.MappedFileSystem;
import io.etch.storage.fs.StorageFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a node needs to start, validated once by {@link Builder#build()}. Immutable.
 *
 * <h2>Defaults (etcd's)</h2>
 *
 * heartbeat 100 ms, election timeout 1000 ms, snapshot every 100,000 applied entries (later for a
 * store above 64 MiB: see {@link Builder#snapshotLogRatio}), requests up to 1.5 MiB, transactions
 * up to 128 ops per list, 1 learner at most, a 2 GiB quota, progress notifications every 10
 * minutes, lease checkpointing off, cluster token {@code "etcd-cluster"}, the system clock, and a
 * request timeout of 5 s + 2 x the election timeout (etcd's formula).
 *
 * <h2>Rules checked at build</h2>
 *
 * <ul>
 *   <li>memberName, dataDir and peerListen are required; exactly one of {@code initialCluster}
 *       (bootstrap a new cluster) or {@code joinExisting} (join a running one) is set.
 *   <li>initialCluster contains this member, under an address that matches peerListen (same port;
 *       same host unless peerListen is a wildcard such as {@code 0.0.0.0}) — or, when {@code
 *       peerAdvertise} is set (the member is reached through an address other than the one it
 *       binds: NAT, a proxy), under exactly that address — and gives no address to two members.
 *   <li>TLS: the three PEM files together or none, each an existing readable file; not PEM files
 *       and JSSE factories at once.
 *   <li>Timing, as etcd: heartbeat and election timeout positive, election timeout at least 5 x the
 *       heartbeat and at most 50 s.
 *   <li>Limits positive; maxRequestBytes at most the quota.
 *   <li>A quota above 8 GiB is accepted with a warning, as etcd does (larger backends degrade
 *       snapshot and recovery times, but it is the operator's call); it is never silently capped.
 * </ul>
 *
 * <h2>Callback executor</h2>
 *
 * User callbacks (future completions, watch and keep-alive listeners) run on {@link
 * #callbackExecutor()} when one is given. When none is given, <em>the node creates its own executor
 * when it starts and shuts it down when it closes</em>: one per node, never static, never shared
 * between nodes in the same JVM. Callbacks never run on Raft or network threads.
 *
 * <h2>Ids</h2>
 *
 * {@link #memberId()} and {@link #initialClusterId()} follow {@link MemberIds}: derived from the
 * cluster token and member name(s), deterministically.
 */
public final class EtcdNodeConfig {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdNodeConfig.class);

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofMillis(1000);

  /** etcd's upper bound on the election timeout. */
  public static final Duration MAX_ELECTION_TIMEOUT = Duration.ofSeconds(50);

  /**
   * Applied entries between snapshots: 100,000, etcd's default while each of its snapshots wrote
   * the whole (v2) store. etcd 3.6 went back to 10,000 because its snapshots no longer carry the
   * data; ours carry the whole MVCC store with its history, so at 10,000 writing them took a third
   * of the CPU of a 3-member put benchmark. The log behind a snapshot lives in the WAL files, not
   * on the heap (plus a 4 MiB entry cache).
   */
  public static final long DEFAULT_SNAPSHOT_COUNT = 100_000;

  /** Store size from which a snapshot waits for the log to grow: 64 MiB. */
  public static final long DEFAULT_SNAPSHOT_DEFER_ABOVE_BYTES = 64L << 20;

  /**
   * Log written between two snapshots of a large store, as a fraction of the store: 1, so snapshots
   * write about one byte per byte of log, and a restart loads the store and replays at most as much
   * log again. 0.5 doubled the snapshot CPU of 3-member put (123,138 against 102,567 puts/s at 512
   * in flight with 1) for half the replay.
   */
  public static final double DEFAULT_SNAPSHOT_LOG_RATIO = 1.0;

  /** Above this the log would never catch up with any store: a misconfiguration. */
  public static final double MAX_SNAPSHOT_LOG_RATIO = 1_000_000;

  public static final long DEFAULT_MAX_REQUEST_BYTES = 3L * 1024 * 1024 / 2;
  public static final int DEFAULT_MAX_TXN_OPS = 128;
  public static final int DEFAULT_MAX_LEARNERS = 1;
  public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;

  /** Above this quota etcd (and Etch) warn: larger backends are not recommended. */
  public static final long RECOMMENDED_MAX_QUOTA_BYTES = 8L * 1024 * 1024 * 1024;

  public static final Duration DEFAULT_PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_WATCHERS = 100_000;
  public static final String DEFAULT_CLUSTER_TOKEN = "etcd-cluster";
  private static final int MAX_NAME_LENGTH = 255;

  private final String memberName;
  private final Path dataDir;
  private final PeerAddress peerListen;
  private final PeerAddress peerAdvertise;
  private final Map<String, PeerAddress> initialCluster;
  private final List<PeerAddress> joinExisting;
  private final String clusterToken;
  private final TlsSettings tls;
  private final Duration heartbeatInterval;
  private final Duration electionTimeout;
  private final long snapshotCount;
  private final long snapshotDeferAboveBytes;
  private final double snapshotLogRatio;
  private final long maxRequestBytes;
  private final int maxTxnOps;
  private final int maxLearners;
  private final long quotaBackendBytes;
  private final boolean leaseCheckpointing;
  private final Duration progressNotifyInterval;
  private final int maxWatchers;
  private final Executor callbackExecutor;
  private final Clock clock;
  private final StorageFileSystem storageFileSystem;
  private final Duration requestTimeout;
  private final long memberId;

  private EtcdNodeConfig(Builder b, TlsSettings tls, Duration requestTimeout) {
    this.memberName = b.memberName;
    this.dataDir = b.dataDir;
    this.peerListen = b.peerListen;
    this.peerAdvertise = b.peerAdvertise;
    this.initialCluster =
        b.initialCluster == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(b.initialCluster));
    this.joinExisting = b.joinExisting == null ? List.of() : List.copyOf(b.joinExisting);
    this.clusterToken = b.clusterToken;
    this.tls = tls;
    this.heartbeatInterval = b.heartbeatInterval;
    this.electionTimeout = b.electionTimeout;
    this.snapshotCount = b.snapshotCount;
    this.snapshotDeferAboveBytes = b.snapshotDeferAboveBytes;
    this.snapshotLogRatio = b.snapshotLogRatio;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxTxnOps = b.maxTxnOps;
    this.maxLearners = b.maxLearners;
    this.quotaBackendBytes = b.quotaBackendBytes;
    this.leaseCheckpointing = b.leaseCheckpointing;
    this.progressNotifyInterval = b.progressNotifyInterval;
    this.maxWatchers = b.maxWatchers;
    this.callbackExecutor = b.callbackExecutor;
    this.clock = b.clock;
    this.storageFileSystem = b.storageFileSystem;
    this.requestTimeout = requestTimeout;
    this.memberId = MemberIds.memberId(clusterToken, memberName);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String memberName() {
    return memberName;
  }

  /** This member's id ({@link MemberIds#memberId}). */
  public long memberId() {
    return memberId;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where the transport listens for peers. */
  public PeerAddress peerListen() {
    return peerListen;
  }

  /** Whether the node joins a running cluster rather than bootstrapping one. */
  public boolean isJoiningExisting() {
    return !joinExisting.isEmpty();
  }

  /** The bootstrap members, by name, sorted; empty when joining. */
  public Map<String, PeerAddress> initialCluster() {
    return initialCluster;
  }

  /** Members of the running cluster to contact when joining; empty when bootstrapping. */
  public List<PeerAddress> joinExisting() {
    return joinExisting;
  }

  /**
   * The address this member advertises to peers (etcd's {@code initial-advertise-peer-urls}):
   * {@code peerAdvertise} when set, else its initialCluster entry, else peerListen.
   */
  public PeerAddress advertisedPeerAddress() {
    if (peerAdvertise != null) {
      return peerAdvertise;
    }
    return initialCluster.getOrDefault(memberName, peerListen);
  }

  public String clusterToken() {
    return clusterToken;
  }

  /** The cluster id when bootstrapping ({@link MemberIds#clusterId}); empty when joining. */
  public OptionalLong initialClusterId() {
    if (initialCluster.isEmpty()) {
      return OptionalLong.empty();
    }
    List<Long> ids = new ArrayList<>();
    for (String name : initialCluster.keySet()) {
      ids.add(MemberIds.memberId(clusterToken, name));
    }
    return OptionalLong.of(MemberIds.clusterId(clusterToken, ids));
  }

  /** Peer TLS; empty means plaintext peer connections. */
  public Optional<TlsSettings> tls() {
    return Optional.ofNullable(tls);
  }

  /** The Raft tick: how often the leader sends heartbeats. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration electionTimeout() {
    return electionTimeout;
  }

  /** The election timeout in heartbeat ticks, rounded down (etcd's {@code ElectionTicks}). */
  public int electionTimeoutTicks() {
    return (int) (electionTimeout.toNanos() / heartbeatInterval.toNanos());
  }

  /**
   * The smallest lease TTL granted: 1.5 x the election timeout in whole ticks, rounded up to whole
   * seconds (etcd's rule; 2 s with the defaults).
   */
  public long minLeaseTtlSeconds() {
    long minTtlNanos = (3L * electionTimeoutTicks() / 2) * heartbeatInterval.toNanos();
    long second = Duration.ofSeconds(1).toNanos();
    return Math.max(1, (minTtlNanos + second - 1) / second);
  }

  /** Applied entries between two snapshots (then the log is compacted). */
  public long snapshotCount() {
    return snapshotCount;
  }

  /** Store size from which {@link #snapshotLogRatio()} applies too. */
  public long snapshotDeferAboveBytes() {
    return snapshotDeferAboveBytes;
  }

  /** Log bytes between two snapshots of a large store, as a fraction of the store's size. */
  public double snapshotLogRatio() {
    return snapshotLogRatio;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** The most compares, Then ops or Else ops in one transaction list. */
  public int maxTxnOps() {
    return maxTxnOps;
  }

  public int maxLearners() {
    return maxLearners;
  }

  public long quotaBackendBytes() {
    return quotaBackendBytes;
  }

  /** Whether the leader checkpoints remaining lease TTLs through Raft (etcd's feature gate). */
  public boolean leaseCheckpointing() {
    return leaseCheckpointing;
  }

  /** How long a watch with progressNotify may go without a response before one is sent. */
  public Duration progressNotifyInterval() {
    return progressNotifyInterval;
  }

  /** The most open watches on this member; one more ends with {@code TooManyWatchersException}. */
  public int maxWatchers() {
    return maxWatchers;
  }

  /** The executor for user callbacks; empty means the node creates (and owns) its own. */
  public Optional<Executor> callbackExecutor() {
    return Optional.ofNullable(callbackExecutor);
  }

  public Clock clock() {
    return clock;
  }

  /**
   * The file system under the WAL and the snapshot files ({@link MappedFileSystem}, the real disk,
   * unless one was given).
   */
  public StorageFileSystem storageFileSystem() {
    return storageFileSystem;
  }

  /** How long an operation may take before it fails with {@link RequestTimeoutException}. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public String toString() {
    return "EtcdNodeConfig{memberName="
        + memberName
        + ", memberId="
        + Long.toHexString(memberId)
        + ", dataDir="
        + dataDir
        + ", peerListen="
        + peerListen
        + (isJoiningExisting()
            ? ", joinExisting=" + joinExisting
            : ", initialCluster=" + initialCluster)
        + ", clusterToken="
        + clusterToken
        + ", tls="
        + (tls == null ? "none" : tls.kind())
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", electionTimeout="
        + electionTimeout
        + ", snapshotCount="
        + snapshotCount
        + ", snapshotDeferAboveBytes="
        + snapshotDeferAboveBytes
        + ", snapshotLogRatio="
        + snapshotLogRatio
        + ", maxRequestBytes="
        + maxRequestBytes
        + ", maxTxnOps="
        + maxTxnOps
        + ", maxLearners="
        + maxLearners
        + ", quotaBackendBytes="
        + quotaBackendBytes
        + ", leaseCheckpointing="
        + leaseCheckpointing
        + ", progressNotifyInterval="
        + progressNotifyInterval
        + ", maxWatchers="
        + maxWatchers
        + ", callbackExecutor="
        + (callbackExecutor == null ? "node-owned" : "given")
        + ", clock="
        + clock
        + ", storageFileSystem="
        + storageFileSystem.getClass().getSimpleName()
        + ", requestTimeout="
        + requestTimeout
        + "}";
  }

  /**
   * Builds an {@link EtcdNodeConfig}. Setters only record; {@link #build()} validates everything
   * and names the first problem found. Not thread-safe.
   */
  public static final class Builder {
    private String memberName;
    private Path dataDir;
    private PeerAddress peerListen;
    private PeerAddress peerAdvertise;
    private Map<String, PeerAddress> initialCluster;
    private List<PeerAddress> joinExisting;
    private String clusterToken = DEFAULT_CLUSTER_TOKEN;
    private Path peerCertFile;
    private Path peerKeyFile;
    private Path peerTrustedCaFile;
    private KeyManagerFactory keyManagers;
    private TrustManagerFactory trustManagers;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration electionTimeout = DEFAULT_ELECTION_TIMEOUT;
    private long snapshotCount = DEFAULT_SNAPSHOT_COUNT;
    private long snapshotDeferAboveBytes = DEFAULT_SNAPSHOT_DEFER_ABOVE_BYTES;
    private double snapshotLogRatio = DEFAULT_SNAPSHOT_LOG_RATIO;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxTxnOps = DEFAULT_MAX_TXN_OPS;
    private int maxLearners = DEFAULT_MAX_LEARNERS;
    private long quotaBackendBytes = DEFAULT_QUOTA_BACKEND_BYTES;
    private boolean leaseCheckpointing;
    private Duration progressNotifyInterval = DEFAULT_PROGRESS_NOTIFY_INTERVAL;
    private int maxWatchers = DEFAULT_MAX_WATCHERS;
    private Executor callbackExecutor;
    private Clock clock = Clock.system();
    private StorageFileSystem storageFileSystem = new MappedFileSystem();
    private Duration requestTimeout;

    private Builder() {}

    /** This member's name, unique in the cluster; its id derives from it. */
    public Builder memberName(String memberName) {
      this.memberName = Objects.requireNonNull(memberName, "memberName");
      return this;
    }

    /** The directory holding the WAL, snapshots and the lock file; created if missing. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Where to listen for peers (a wildcard host listens on every interface). */
    public Builder peerListen(PeerAddress peerListen) {
      this.peerListen = Objects.requireNonNull(peerListen, "peerListen");
      return this;
    }

    /**
     * The address peers reach this member at, when it differs from {@code peerListen} (etcd's
     * {@code initial-advertise-peer-urls}): behind NAT or a proxy. It is what the member gives when
     * joining and what {@code initialCluster} must name for it. Default: {@code peerListen}.
     */
    public Builder peerAdvertise(PeerAddress peerAdvertise) {
      this.peerAdvertise = Objects.requireNonNull(peerAdvertise, "peerAdvertise");
      return this;
    }

    /** Bootstrap a new cluster of these members (name to advertised peer address). */
    public Builder initialCluster(Map<String, PeerAddress> members) {
      Objects.requireNonNull(members, "initialCluster");
      this.initialCluster = new LinkedHashMap<>(members);
      return this;
    }

    /** Join a running cluster by contacting these members (after {@code addMember}). */
    public Builder joinExisting(Collection<PeerAddress> peers) {
      Objects.requireNonNull(peers, "joinExisting");
      this.joinExisting = new ArrayList<>(peers);
      return this;
    }

    /** Distinguishes clusters bootstrapped with the same member names; ids derive from it. */
    public Builder clusterToken(String clusterToken) {
      this.clusterToken = Objects.requireNonNull(clusterToken, "clusterToken");
      return this;
    }

    /** This member's PEM certificate chain for peer TLS (set with the key and CA files). */
    public Builder peerCertFile(Path certFile) {
      this.peerCertFile = Objects.requireNonNull(certFile, "peerCertFile");
      return this;
    }

    /** This member's PEM private key for peer TLS (set with the cert and CA files). */
    public Builder peerKeyFile(Path keyFile) {
      this.peerKeyFile = Objects.requireNonNull(keyFile, "peerKeyFile");
      return this;
    }

    /** The PEM CA certificates peers must chain to (set with the cert and key files). */
    public Builder peerTrustedCaFile(Path caFile) {
      this.peerTrustedCaFile = Objects.requireNonNull(caFile, "peerTrustedCaFile");
      return this;
    }

    /** Peer TLS from initialised JSSE factories, instead of PEM files. */
    public Builder peerTlsManagers(KeyManagerFactory keyManagers, TrustManagerFactory trust) {
      this.keyManagers = Objects.requireNonNull(keyManagers, "keyManagers");
      this.trustManagers = Objects.requireNonNull(trust, "trustManagers");
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    public Builder electionTimeout(Duration electionTimeout) {
      this.electionTimeout = Objects.requireNonNull(electionTimeout, "electionTimeout");
      return this;
    }

    /**
     * Applied entries between two snapshots (default 100,000, etcd's); for a store above {@link
     * #snapshotDeferAboveBytes} the next snapshot also waits for {@link #snapshotLogRatio}.
     */
    public Builder snapshotCount(long snapshotCount) {
      this.snapshotCount = snapshotCount;
      return this;
    }

    /**
     * Store size (approximate retained bytes, as the quota counts them) from which a snapshot also
     * waits for {@link #snapshotLogRatio}; default 64 MiB. Below it {@link #snapshotCount} alone
     * decides.
     */
    public Builder snapshotDeferAboveBytes(long snapshotDeferAboveBytes) {
      this.snapshotDeferAboveBytes = snapshotDeferAboveBytes;
      return this;
    }

    /**
     * For a store that was at least {@link #snapshotDeferAboveBytes} at the last snapshot, the next
     * one waits until the entries applied since carry this fraction of that size in payload bytes
     * (default 1). Each snapshot writes the whole store with its history, unlike etcd's (its data
     * lives in bbolt): waiting for the log to grow in proportion bounds what snapshots cost per
     * write, whatever the store's size, while a restart replays at most this fraction of the store
     * in log. 0 leaves {@link #snapshotCount} alone deciding; at most 1,000,000.
     */
    public Builder snapshotLogRatio(double snapshotLogRatio) {
      this.snapshotLogRatio = snapshotLogRatio;
      return this;
    }

    public Builder maxRequestBytes(long maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    public Builder maxTxnOps(int maxTxnOps) {
      this.maxTxnOps = maxTxnOps;
      return this;
    }

    /** The most learners at once (0 forbids learners). */
    public Builder maxLearners(int maxLearners) {
      this.maxLearners = maxLearners;
      return this;
    }

    public Builder quotaBackendBytes(long quotaBackendBytes) {
      this.quotaBackendBytes = quotaBackendBytes;
      return this;
    }

    public Builder leaseCheckpointing(boolean leaseCheckpointing) {
      this.leaseCheckpointing = leaseCheckpointing;
      return this;
    }

    public Builder progressNotifyInterval(Duration interval) {
      this.progressNotifyInterval = Objects.requireNonNull(interval, "progressNotifyInterval");
      return this;
    }

    /**
     * The most watches open on this member at once (default {@value #DEFAULT_MAX_WATCHERS}); a
     * watch beyond it ends at once with {@code onError(TooManyWatchersException)}.
     */
    public Builder maxWatchers(int maxWatchers) {
      this.maxWatchers = maxWatchers;
      return this;
    }

    /** Run user callbacks here; the caller owns (and shuts down) this executor. */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * The storage SPI: the file system the WAL and the snapshot files are written through (default
     * {@link MappedFileSystem}, memory-mapped files on the real disk). Another implementation must
     * keep the durability rules of {@link StorageFileSystem}: contents durable only through {@code
     * sync}, directory entries only through {@code syncDirectory}. Fault tests give one that loses
     * everything not synced at a simulated crash. Snapshots received from the leader still arrive
     * as real files under {@code <dataDir>/snap-in}, and snapshot files are sent to followers from
     * the paths this file system names, so they must be readable on the real disk too.
     */
    public Builder storageFileSystem(StorageFileSystem fileSystem) {
      this.storageFileSystem = Objects.requireNonNull(fileSystem, "storageFileSystem");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidArgumentException naming the missing or invalid setting, or the conflict
     */
    public EtcdNodeConfig build() {
      checkName("memberName", memberName);
      if (dataDir == null) {
        throw invalid("dataDir", "dataDir is required");
      }
      if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
        throw invalid("dataDir", "dataDir " + dataDir + " exists and is not a directory");
      }
      if (peerListen == null) {
        throw invalid("peerListen", "peerListen is required");
      }
      checkMembership();
      if (clusterToken.isBlank()) {
        throw invalid("clusterToken", "clusterToken must not be blank");
      }
      TlsSettings tls = checkTls();
      checkTiming();
      positive("snapshotCount", snapshotCount);
      positive("snapshotDeferAboveBytes", snapshotDeferAboveBytes);
      if (!(snapshotLogRatio >= 0) || snapshotLogRatio > MAX_SNAPSHOT_LOG_RATIO) {
        throw invalid(
            "snapshotLogRatio",
            "snapshotLogRatio must be in [0, "
                + (long) MAX_SNAPSHOT_LOG_RATIO
                + "], got "
                + snapshotLogRatio);
      }
      positive("maxTxnOps", maxTxnOps);
      positive("quotaBackendBytes", quotaBackendBytes);
      positive("maxRequestBytes", maxRequestBytes);
      if (maxLearners < 0) {
        throw invalid("maxLearners", "maxLearners must be >= 0, got " + maxLearners);
      }
      if (maxRequestBytes > quotaBackendBytes) {
        throw invalid(
            "maxRequestBytes",
            "maxRequestBytes ("
                + maxRequestBytes
                + ") must not exceed quotaBackendBytes ("
                + quotaBackendBytes
                + ")");
      }
      if (maxRequestBytes > Integer.MAX_VALUE) {
        throw invalid(
            "maxRequestBytes",
            "maxRequestBytes ("
                + maxRequestBytes
                + ") must fit one frame, at most "
                + Integer.MAX_VALUE
                + " bytes");
      }
      if (quotaBackendBytes > RECOMMENDED_MAX_QUOTA_BYTES) {
        LOG.warn(
            "member {}: quotaBackendBytes {} exceeds the recommended maximum of {} bytes (8 GiB);"
                + " snapshots, restarts and defragmentation will be slow",
            memberName,
            quotaBackendBytes,
            RECOMMENDED_MAX_QUOTA_BYTES);
      }
      positive("progressNotifyInterval", progressNotifyInterval);
      positive("maxWatchers", maxWatchers);
      Duration timeout =
          requestTimeout != null
              ? requestTimeout
              : Duration.ofSeconds(5).plus(electionTimeout.multipliedBy(2));
      positive("requestTimeout", timeout);
      return new EtcdNodeConfig(this, tls, timeout);
    }

    private void checkMembership() {
      if (initialCluster != null && joinExisting != null) {
        throw invalid(
            "joinExisting",
            "initialCluster and joinExisting are mutually exclusive: a node either bootstraps a"
                + " new cluster or joins a running one");
      }
      if (initialCluster == null && joinExisting == null) {
        throw invalid(
            "initialCluster",
            "one of initialCluster (bootstrap a new cluster) or joinExisting (join a running"
                + " one) is required");
      }
      if (initialCluster != null) {
        checkInitialCluster();
      } else {
        checkJoinExisting();
      }
    }

    private void checkInitialCluster() {
      if (initialCluster.isEmpty()) {
        throw invalid("initialCluster", "initialCluster must not be empty");
      }
      Map<PeerAddress, String> byAddress = new HashMap<>();
      for (Map.Entry<String, PeerAddress> e : new TreeMap<>(initialCluster).entrySet()) {
        checkName("initialCluster member name", e.getKey());
        PeerAddress address = Objects.requireNonNull(e.getValue(), "address of " + e.getKey());
        String other = byAddress.putIfAbsent(address, e.getKey());
        if (other != null) {
          throw invalid(
              "initialCluster",
              "initialCluster gives the address "
                  + address
                  + " to both '"
                  + other
                  + "' and '"
                  + e.getKey()
                  + "'");
        }
      }
      PeerAddress own = initialCluster.get(memberName);
      if (own == null) {
        throw invalid(
            "initialCluster",
            "initialCluster must contain this member '"
                + memberName
                + "' (it has "
                + new TreeMap<>(initialCluster).keySet()
                + "); to join a running cluster use joinExisting");
      }
      if (peerAdvertise != null) {
        if (!own.equals(peerAdvertise)) {
          throw invalid(
              "initialCluster",
              "initialCluster gives this member '"
                  + memberName
                  + "' the address "
                  + own
                  + " but peerAdvertise is "
                  + peerAdvertise);
        }
        return;
      }
      boolean hostMatches = peerListen.isWildcard() || peerListen.host().equals(own.host());
      if (own.port() != peerListen.port() || !hostMatches) {
        throw invalid(
            "initialCluster",
            "initialCluster gives this member '"
                + memberName
                + "' the address "
                + own
                + " but peerListen is "
                + peerListen
                + " (ports must match, and hosts unless peerListen is a wildcard)");
      }
    }

    private void checkJoinExisting() {
      if (joinExisting.isEmpty()) {
        throw invalid("joinExisting", "joinExisting must list at least one member to contact");
      }
      Set<PeerAddress> seen = new HashSet<>();
      for (PeerAddress peer : joinExisting) {
        Objects.requireNonNull(peer, "joinExisting address");
        if (!seen.add(peer)) {
          throw invalid("joinExisting", "joinExisting lists " + peer + " twice");
        }
        if (peer.equals(peerListen)) {
          throw invalid(
              "joinExisting",
              "joinExisting lists this member's own address "
                  + peer
                  + "; list members of the running cluster");
        }
      }
    }

    private TlsSettings checkTls() {
      boolean anyPem = peerCertFile != null || peerKeyFile != null || peerTrustedCaFile != null;
      if (anyPem && keyManagers != null) {
        throw invalid(
            "peerTlsManagers",
            "peer TLS is configured twice: PEM files and peerTlsManagers are mutually exclusive");
      }
      if (keyManagers != null) {
        return new TlsSettings.Managers(keyManagers, trustManagers);
      }
      if (!anyPem) {
        return null;
      }
      List<String> missing = new ArrayList<>();
      if (peerCertFile == null) {
        missing.add("peerCertFile");
      }
      if (peerKeyFile == null) {
        missing.add("peerKeyFile");
      }
      if (peerTrustedCaFile == null) {
        missing.add("peerTrustedCaFile");
      }
      if (!missing.isEmpty()) {
        throw invalid(
            missing.get(0),
            "peer TLS needs all three PEM files (peerCertFile, peerKeyFile, peerTrustedCaFile) or"
                + " none; missing "
                + String.join(", ", missing));
      }
      readable("peerCertFile", peerCertFile);
      readable("peerKeyFile", peerKeyFile);
      readable("peerTrustedCaFile", peerTrustedCaFile);
      return new TlsSettings.Pem(peerCertFile, peerKeyFile, peerTrustedCaFile);
    }

    private void checkTiming() {
      positive("heartbeatInterval", heartbeatInterval);
      positive("electionTimeout", electionTimeout);
      if (heartbeatInterval.compareTo(Duration.ofMillis(1)) < 0) {
        throw invalid(
            "heartbeatInterval",
            "heartbeatInterval must be at least 1 ms, got " + heartbeatInterval.toNanos() + " ns");
      }
      if (electionTimeout.compareTo(heartbeatInterval.multipliedBy(5)) < 0) {
        throw invalid(
            "electionTimeout",
            "electionTimeout ("
                + electionTimeout.toMillis()
                + " ms) must be at least 5 x heartbeatInterval ("
                + heartbeatInterval.toMillis()
                + " ms), etcd's rule");
      }
      if (electionTimeout.compareTo(MAX_ELECTION_TIMEOUT) > 0) {
        throw invalid(
            "electionTimeout",
            "electionTimeout ("
                + electionTimeout.toMillis()
                + " ms) must be at most "
                + MAX_ELECTION_TIMEOUT.toMillis()
                + " ms, etcd's limit");
      }
    }

    private static void checkName(String what, String name) {
      if (name == null) {
        throw invalid(what, what + " is required");
      }
      if (name.isBlank()) {
        throw invalid(what, what + " must not be blank");
      }
      if (name.length() > MAX_NAME_LENGTH) {
        throw invalid(
            what, what + " is " + name.length() + " characters, more than " + MAX_NAME_LENGTH);
      }
      for (int i = 0; i < name.length(); i++) {
        if (Character.isISOControl(name.charAt(i))) {
          throw invalid(what, what + " '" + name.strip() + "' contains a control character");
        }
      }
    }

    private static void readable(String what, Path file) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw invalid(what, what + " " + file + " is not a readable file");
      }
    }

    private static void positive(String what, long value) {
      if (value <= 0) {
        throw invalid(what, what + " must be positive, got " + value);
      }
    }

    private static void positive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw invalid(what, what + " must be positive, got " + value);
      }
    }

    private static InvalidArgumentException invalid(String argument, String message) {
      return new InvalidArgumentException(argument, message);
    }
  }
}
