package io.etch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.cluster.MemberIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EtcdNodeConfigTest {
  @TempDir static Path dir;
  static Path cert;
  static Path key;
  static Path ca;
  static Path aFile;

  private static final PeerAddress A = PeerAddress.parse("10.0.0.1:2380");
  private static final PeerAddress B = PeerAddress.parse("10.0.0.2:2380");
  private static final PeerAddress C = PeerAddress.parse("10.0.0.3:2380");

  @BeforeAll
  static void files() throws IOException {
    cert = Files.writeString(dir.resolve("peer.crt"), "-----BEGIN CERTIFICATE-----");
    key = Files.writeString(dir.resolve("peer.key"), "-----BEGIN PRIVATE KEY-----");
    ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----");
    aFile = Files.writeString(dir.resolve("not-a-dir"), "x");
  }

  /** A valid three-member bootstrap config for member "a"; each case changes one thing. */
  static EtcdNodeConfig.Builder valid() {
    return EtcdNodeConfig.builder()
        .memberName("a")
        .dataDir(dir.resolve("data-a"))
        .peerListen(A)
        .initialCluster(Map.of("a", A, "b", B, "c", C));
  }

  @Test
  void anAdvertisedAddressOtherThanTheListenAddressMustBeTheInitialClusterEntry() {
    PeerAddress listen = PeerAddress.parse("0.0.0.0:12380");
    EtcdNodeConfig c = valid().peerListen(listen).peerAdvertise(A).build();
    assertEquals(A, c.advertisedPeerAddress());
    assertEquals(listen, c.peerListen());
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                valid().peerListen(listen).peerAdvertise(PeerAddress.parse("10.0.0.9:1")).build());
    assertEquals("initialCluster", e.argument());
    assertTrue(e.getMessage().contains("peerAdvertise is 10.0.0.9:1"), e.getMessage());
  }

  @Test
  void defaultsAreEtcds() {
    EtcdNodeConfig c = valid().build();
    assertEquals(Duration.ofMillis(100), c.heartbeatInterval());
    assertEquals(Duration.ofMillis(1000), c.electionTimeout());
    assertEquals(10, c.electionTimeoutTicks());
    // etcd 3.2-3.5's, from when each etcd snapshot wrote the whole store as ours do (3.6: 10,000)
    assertEquals(100_000, c.snapshotCount());
    assertEquals(64L << 20, c.snapshotDeferAboveBytes());
    assertEquals(1.0, c.snapshotLogRatio());
    assertEquals(1_572_864, c.maxRequestBytes(), "1.5 MiB");
    assertEquals(128, c.maxTxnOps());
    assertEquals(1, c.maxLearners());
    assertEquals(2L << 30, c.quotaBackendBytes(), "2 GiB");
    assertFalse(c.leaseCheckpointing());
    assertEquals(Duration.ofMinutes(10), c.progressNotifyInterval());
    assertEquals(100_000, c.maxWatchers());
    assertEquals("etcd-cluster", c.clusterToken());
    assertSame(Clock.system(), c.clock());
    assertTrue(c.callbackExecutor().isEmpty(), "none given: the node creates its own");
    assertEquals(Duration.ofSeconds(7), c.requestTimeout(), "5 s + 2 x election timeout");
    assertEquals(2, c.minLeaseTtlSeconds(), "ceil(1.5 x 1 s), etcd's minimum TTL");
    assertTrue(c.tls().isEmpty());
    assertFalse(c.isJoiningExisting());
    assertEquals(List.of("a", "b", "c"), List.copyOf(c.initialCluster().keySet()));
    assertEquals(A, c.advertisedPeerAddress());
  }

  @Test
  void idsAreDerivedFromTokenAndNames() {
    EtcdNodeConfig c = valid().build();
    assertEquals(MemberIds.memberId("etcd-cluster", "a"), c.memberId());
    long clusterId = c.initialClusterId().orElseThrow();
    EtcdNodeConfig b = valid().memberName("b").peerListen(B).dataDir(dir.resolve("data-b")).build();
    assertEquals(clusterId, b.initialClusterId().orElseThrow(), "every member agrees");
    assertNotEquals(c.memberId(), b.memberId());
    EtcdNodeConfig other = valid().clusterToken("prod-2").build();
    assertNotEquals(c.memberId(), other.memberId());
    assertNotEquals(clusterId, other.initialClusterId().orElseThrow());
  }

  @Test
  void everySettingIsCarried() {
    Executor direct = Runnable::run;
    Clock fixed =
        new Clock() {
          @Override
          public long nanoTime() {
            return 42;
          }

          @Override
          public long wallMillis() {
            return 7;
          }
        };
    EtcdNodeConfig c =
        EtcdNodeConfig.builder()
            .memberName("d")
            .dataDir(dir.resolve("data-d"))
            .peerListen(PeerAddress.parse("0.0.0.0:2390"))
            .joinExisting(List.of(A, B))
            .clusterToken("tok")
            .peerCertFile(cert)
            .peerKeyFile(key)
            .peerTrustedCaFile(ca)
            .heartbeatInterval(Duration.ofMillis(50))
            .electionTimeout(Duration.ofMillis(500))
            .snapshotCount(5)
            .snapshotDeferAboveBytes(4096)
            .snapshotLogRatio(2.5)
            .maxRequestBytes(1024)
            .maxTxnOps(8)
            .maxLearners(0)
            .quotaBackendBytes(1 << 20)
            .leaseCheckpointing(true)
            .progressNotifyInterval(Duration.ofSeconds(3))
            .maxWatchers(7)
            .callbackExecutor(direct)
            .clock(fixed)
            .requestTimeout(Duration.ofSeconds(2))
            .build();
    assertTrue(c.isJoiningExisting());
    assertEquals(List.of(A, B), c.joinExisting());
    assertTrue(c.initialClusterId().isEmpty());
    assertEquals(PeerAddress.parse("0.0.0.0:2390"), c.advertisedPeerAddress());
    assertEquals(new TlsSettings.Pem(cert, key, ca), c.tls().orElseThrow());
    assertEquals(10, c.electionTimeoutTicks());
    assertEquals(1, c.minLeaseTtlSeconds(), "ceil(0.75 s)");
    assertEquals(5, c.snapshotCount());
    assertEquals(4096, c.snapshotDeferAboveBytes());
    assertEquals(2.5, c.snapshotLogRatio());
    assertEquals(1024, c.maxRequestBytes());
    assertEquals(8, c.maxTxnOps());
    assertEquals(0, c.maxLearners());
    assertEquals(1 << 20, c.quotaBackendBytes());
    assertTrue(c.leaseCheckpointing());
    assertEquals(Duration.ofSeconds(3), c.progressNotifyInterval());
    assertEquals(7, c.maxWatchers());
    assertSame(direct, c.callbackExecutor().orElseThrow());
    assertSame(fixed, c.clock());
    assertEquals(Duration.ofSeconds(2), c.requestTimeout());
    assertTrue(c.toString().contains("memberName=d"), c.toString());
  }

  @Test
  void tlsFromJsseFactories() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
    empty.load(null, null);
    kmf.init(empty, new char[0]);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(empty);
    TlsSettings tls = valid().peerTlsManagers(kmf, tmf).build().tls().orElseThrow();
    assertEquals(TlsSettings.Kind.MANAGERS, tls.kind());
    InvalidArgumentException both =
        assertThrows(
            InvalidArgumentException.class,
            () -> valid().peerTlsManagers(kmf, tmf).peerCertFile(cert).build());
    assertEquals("peerTlsManagers", both.argument());
    assertTrue(both.getMessage().contains("PEM files and peerTlsManagers are mutually exclusive"));
  }

  @Test
  void wildcardListenMatchesOwnEntryByPort() {
    valid().peerListen(PeerAddress.parse("0.0.0.0:2380")).build();
    valid().peerListen(PeerAddress.parse("[::]:2380")).build();
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        row(
            "no member name",
            b -> EtcdNodeConfig.builder().dataDir(dir).peerListen(A).initialCluster(Map.of("a", A)),
            "memberName",
            "memberName is required"),
        row(
            "blank member name",
            b -> b.memberName("  ").initialCluster(Map.of("  ", A)),
            "memberName",
            "memberName must not be blank"),
        row(
            "control char in name",
            b -> b.memberName("a\n"),
            "memberName",
            "contains a control character"),
        row(
            "over-long name",
            b -> b.memberName("n".repeat(256)),
            "memberName",
            "is 256 characters, more than 255"),
        row(
            "no data dir",
            b ->
                EtcdNodeConfig.builder()
                    .memberName("a")
                    .peerListen(A)
                    .initialCluster(Map.of("a", A)),
            "dataDir",
            "dataDir is required"),
        row(
            "data dir is a file",
            b -> b.dataDir(aFile),
            "dataDir",
            "exists and is not a directory"),
        row(
            "no peer listen",
            b ->
                EtcdNodeConfig.builder()
                    .memberName("a")
                    .dataDir(dir)
                    .initialCluster(Map.of("a", A)),
            "peerListen",
            "peerListen is required"),
        row(
            "neither bootstrap nor join",
            b -> EtcdNodeConfig.builder().memberName("a").dataDir(dir).peerListen(A),
            "initialCluster",
            "one of initialCluster (bootstrap a new cluster) or joinExisting"),
        row(
            "both bootstrap and join",
            b -> b.joinExisting(List.of(B)),
            "joinExisting",
            "initialCluster and joinExisting are mutually exclusive"),
        row(
            "empty initial cluster",
            b -> b.initialCluster(Map.of()),
            "initialCluster",
            "initialCluster must not be empty"),
        row(
            "self missing from initial cluster",
            b -> b.initialCluster(Map.of("b", B, "c", C)),
            "initialCluster",
            "initialCluster must contain this member 'a' (it has [b, c])"),
        row(
            "own address differs",
            b -> b.peerListen(PeerAddress.parse("10.0.0.1:2381")),
            "initialCluster",
            "gives this member 'a' the address 10.0.0.1:2380 but peerListen is" + " 10.0.0.1:2381"),
        row(
            "own host differs",
            b -> b.peerListen(PeerAddress.parse("10.9.9.9:2380")),
            "initialCluster",
            "but peerListen is 10.9.9.9:2380"),
        row(
            "address shared",
            b -> b.initialCluster(Map.of("a", A, "b", A)),
            "initialCluster",
            "initialCluster gives the address 10.0.0.1:2380 to both 'a' and 'b'"),
        row(
            "blank peer name",
            b -> b.initialCluster(Map.of("a", A, " ", B)),
            "initialCluster member name",
            "initialCluster member name must not be blank"),
        row(
            "empty join list",
            b -> joining(b, List.of()),
            "joinExisting",
            "joinExisting must list at least one member"),
        row(
            "duplicate join address",
            b -> joining(b, List.of(B, B)),
            "joinExisting",
            "joinExisting lists 10.0.0.2:2380 twice"),
        row(
            "join lists self",
            b -> joining(b, List.of(A)),
            "joinExisting",
            "joinExisting lists this member's own address 10.0.0.1:2380"),
        row(
            "blank token",
            b -> b.clusterToken(" "),
            "clusterToken",
            "clusterToken must not be blank"),
        row(
            "cert only",
            b -> b.peerCertFile(cert),
            "peerKeyFile",
            "needs all three PEM files (peerCertFile, peerKeyFile, peerTrustedCaFile) or none;"
                + " missing peerKeyFile, peerTrustedCaFile"),
        row(
            "key and ca only",
            b -> b.peerKeyFile(key).peerTrustedCaFile(ca),
            "peerCertFile",
            "missing peerCertFile"),
        row(
            "cert missing on disk",
            b -> b.peerCertFile(dir.resolve("nope.crt")).peerKeyFile(key).peerTrustedCaFile(ca),
            "peerCertFile",
            "nope.crt is not a readable file"),
        row(
            "zero heartbeat",
            b -> b.heartbeatInterval(Duration.ZERO),
            "heartbeatInterval",
            "heartbeatInterval must be positive, got PT0S"),
        row(
            "sub-ms heartbeat",
            b -> b.heartbeatInterval(Duration.ofNanos(500)),
            "heartbeatInterval",
            "heartbeatInterval must be at least 1 ms, got 500 ns"),
        row(
            "negative election",
            b -> b.electionTimeout(Duration.ofMillis(-1)),
            "electionTimeout",
            "electionTimeout must be positive"),
        row(
            "election under 5 heartbeats",
            b -> b.heartbeatInterval(Duration.ofMillis(250)),
            "electionTimeout",
            "electionTimeout (1000 ms) must be at least 5 x heartbeatInterval"
                + " (250 ms), etcd's rule"),
        row(
            "election over 50 s",
            b -> b.electionTimeout(Duration.ofSeconds(51)),
            "electionTimeout",
            "electionTimeout (51000 ms) must be at most 50000 ms"),
        row(
            "zero snapshot count",
            b -> b.snapshotCount(0),
            "snapshotCount",
            "snapshotCount must be positive, got 0"),
        row(
            "zero snapshot defer bytes",
            b -> b.snapshotDeferAboveBytes(0),
            "snapshotDeferAboveBytes",
            "snapshotDeferAboveBytes must be positive, got 0"),
        row(
            "negative snapshot log ratio",
            b -> b.snapshotLogRatio(-0.5),
            "snapshotLogRatio",
            "snapshotLogRatio must be in [0, 1000000], got -0.5"),
        row(
            "NaN snapshot log ratio",
            b -> b.snapshotLogRatio(Double.NaN),
            "snapshotLogRatio",
            "snapshotLogRatio must be in [0, 1000000], got NaN"),
        row(
            "snapshot log ratio beyond any store",
            b -> b.snapshotLogRatio(2e6),
            "snapshotLogRatio",
            "snapshotLogRatio must be in [0, 1000000], got 2000000.0"),
        row(
            "zero max txn ops",
            b -> b.maxTxnOps(0),
            "maxTxnOps",
            "maxTxnOps must be positive, got 0"),
        row(
            "negative learners",
            b -> b.maxLearners(-1),
            "maxLearners",
            "maxLearners must be >= 0, got -1"),
        row(
            "zero quota",
            b -> b.quotaBackendBytes(0),
            "quotaBackendBytes",
            "quotaBackendBytes must be positive, got 0"),
        row(
            "zero request bytes",
            b -> b.maxRequestBytes(0),
            "maxRequestBytes",
            "maxRequestBytes must be positive"),
        row(
            "request above quota",
            b -> b.quotaBackendBytes(1000).maxRequestBytes(1001),
            "maxRequestBytes",
            "maxRequestBytes (1001) must not exceed quotaBackendBytes (1000)"),
        row(
            "request above a frame",
            b -> b.quotaBackendBytes(Long.MAX_VALUE).maxRequestBytes(1L << 32),
            "maxRequestBytes",
            "must fit one frame"),
        row(
            "zero progress interval",
            b -> b.progressNotifyInterval(Duration.ZERO),
            "progressNotifyInterval",
            "progressNotifyInterval must be positive"),
        row("no watchers", b -> b.maxWatchers(0), "maxWatchers", "maxWatchers must be positive"),
        row(
            "negative request timeout",
            b -> b.requestTimeout(Duration.ofSeconds(-1)),
            "requestTimeout",
            "requestTimeout must be positive"));
  }

  private static EtcdNodeConfig.Builder joining(
      EtcdNodeConfig.Builder ignored, List<PeerAddress> peers) {
    return EtcdNodeConfig.builder().memberName("a").dataDir(dir).peerListen(A).joinExisting(peers);
  }

  private static Arguments row(
      String name, UnaryOperator<EtcdNodeConfig.Builder> change, String argument, String part) {
    return Arguments.of(name, change, argument, part);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void buildNamesTheProblem(
      String name, UnaryOperator<EtcdNodeConfig.Builder> change, String argument, String part) {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> change.apply(valid()).build());
    assertEquals(argument, e.argument(), name);
    assertTrue(
        e.getMessage().contains(part),
        () -> name + ": message '" + e.getMessage() + "' lacks '" + part + "'");
  }

  @Test
  void largeQuotaIsAcceptedWithAWarning() {
    EtcdNodeConfig c = valid().quotaBackendBytes(16L << 30).build();
    assertEquals(16L << 30, c.quotaBackendBytes(), "warned about, never capped");
  }
}
