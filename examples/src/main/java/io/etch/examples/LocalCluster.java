package io.etch.examples;

import io.etch.EtcdNode;
import io.etch.PeerAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A few members of one cluster inside this JVM, on loopback ports the OS picks, each with its own
 * data directory under {@code dir}: what the examples run on. In production each member lives in
 * its own process (see {@link MemberMain}); the API is the same.
 */
public final class LocalCluster implements AutoCloseable {
  /** Faster than etcd's defaults (100 ms / 1 s), so the examples fail over quickly. */
  static final Duration HEARTBEAT = Duration.ofMillis(50);

  static final Duration ELECTION = Duration.ofMillis(500);

  private final Map<String, PeerAddress> addresses = new LinkedHashMap<>();
  private final List<EtcdNode> nodes = new ArrayList<>();

  /** Builds and starts new members {@code names}; returns once they all serve. */
  public static LocalCluster start(Path dir, String... names) {
    Map<String, PeerAddress> addresses = new LinkedHashMap<>();
    for (String name : names) {
      addresses.put(name, new PeerAddress("127.0.0.1", freePort(addresses.values())));
    }
    return startExisting(dir, addresses, null);
  }

  /**
   * Starts members on existing (or restored) data directories {@code dir/<name>}, with the given
   * addresses and cluster token ({@code null}: the default token).
   */
  public static LocalCluster startExisting(
      Path dir, Map<String, PeerAddress> addresses, String clusterToken) {
    LocalCluster c = new LocalCluster();
    c.addresses.putAll(addresses);
    for (String name : addresses.keySet()) {
      EtcdNode.Builder b =
          EtcdNode.builder()
              .memberName(name)
              .dataDir(dir.resolve(name))
              .peerListen(addresses.get(name))
              .initialCluster(addresses)
              .heartbeatInterval(HEARTBEAT)
              .electionTimeout(ELECTION);
      if (clusterToken != null) {
        b.clusterToken(clusterToken);
      }
      c.nodes.add(b.build());
    }
    try {
      CompletableFuture.allOf(
              c.nodes.stream().map(EtcdNode::start).toArray(CompletableFuture[]::new))
          .join();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The members, in the order given. */
  public List<EtcdNode> nodes() {
    return List.copyOf(nodes);
  }

  /** Member {@code i} (0-based). */
  public EtcdNode node(int i) {
    return nodes.get(i);
  }

  /** The member names and addresses. */
  public Map<String, PeerAddress> addresses() {
    return Map.copyOf(addresses);
  }

  /** The member that every member of {@code running} agrees leads. */
  public static EtcdNode awaitLeader(List<EtcdNode> running) {
    EtcdNode[] found = new EtcdNode[1];
    awaitTrue(
        () -> {
          long id = running.get(0).maintenance().status().join().leaderId();
          for (EtcdNode n : running) {
            if (n.maintenance().status().join().leaderId() != id) {
              return false;
            }
          }
          found[0] = running.stream().filter(n -> n.memberId() == id).findFirst().orElse(null);
          return found[0] != null;
        },
        "a leader that every running member agrees on");
    return found[0];
  }

  /** Polls {@code condition} for up to 30 s: the examples must never hang. */
  public static void awaitTrue(BooleanSupplier condition, String what) {
    long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadlineNs) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** A free port no address in {@code taken} uses (the OS may hand out a just-closed one twice). */
  static int freePort(java.util.Collection<PeerAddress> taken) {
    while (true) {
      int port = freePort();
      if (taken.stream().noneMatch(a -> a.port() == port)) {
        return port;
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh temporary directory, deleted by {@link #deleteRecursively}. */
  static Path tempDir(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Closes every member (idempotent per member). */
  @Override
  public void close() {
    for (EtcdNode n : nodes) {
      n.close();
    }
  }
}
