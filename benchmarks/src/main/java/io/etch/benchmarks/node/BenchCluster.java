package io.etch.benchmarks.node;

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
import java.util.stream.Stream;

/**
 * {@code members} Etch nodes in this JVM on loopback, each with its own free port and data
 * directory (real WALs, default durability) under a temporary directory that {@link #close()}
 * deletes, taking a snapshot every {@code snapshotCount} applied entries. {@link #leader()} is the
 * member all agree leads once started.
 */
final class BenchCluster implements AutoCloseable {
  private static final Duration HEARTBEAT = Duration.ofMillis(50);
  private static final Duration ELECTION = Duration.ofMillis(500);
  private static final long LEADER_WAIT_NS = Duration.ofSeconds(30).toNanos();

  private final Path root;
  private final List<EtcdNode> nodes = new ArrayList<>();

  BenchCluster(int members, long snapshotCount) throws IOException {
    if (members < 1) {
      throw new IllegalArgumentException("members " + members + " < 1");
    }
    root = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "etch-node-");
    Map<String, PeerAddress> addresses = new LinkedHashMap<>();
    for (int i = 1; i <= members; i++) {
      addresses.put("m" + i, new PeerAddress("127.0.0.1", freePort()));
    }
    for (String name : addresses.keySet()) {
      nodes.add(
          EtcdNode.builder()
              .memberName(name)
              .dataDir(root.resolve(name))
              .peerListen(addresses.get(name))
              .initialCluster(addresses)
              .heartbeatInterval(HEARTBEAT)
              .electionTimeout(ELECTION)
              .snapshotCount(snapshotCount)
              .build());
    }
  }

  BenchCluster start() {
    CompletableFuture.allOf(nodes.stream().map(EtcdNode::start).toArray(CompletableFuture[]::new))
        .join();
    return this;
  }

  /** The member every member names as leader; waits for the election to settle. */
  EtcdNode leader() throws InterruptedException {
    long deadline = System.nanoTime() + LEADER_WAIT_NS;
    while (System.nanoTime() - deadline < 0) {
      long lead = nodes.get(0).maintenance().status().join().leaderId();
      boolean agreed = lead != 0;
      for (EtcdNode n : nodes) {
        agreed &= n.maintenance().status().join().leaderId() == lead;
      }
      if (agreed) {
        for (EtcdNode n : nodes) {
          if (n.memberId() == lead) {
            return n;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no agreed leader among " + nodes.size() + " members in 30 s");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    for (EtcdNode n : nodes) {
      n.close();
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
