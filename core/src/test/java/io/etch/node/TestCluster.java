package io.etch.node;

import static org.awaitility.Awaitility.await;

import io.etch.EtcdNode;
import io.etch.PeerAddress;
import io.etch.maintenance.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** N members on loopback, each with its own free port and data directory under {@code root}. */
final class TestCluster implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofMillis(50);
  static final Duration ELECTION = Duration.ofMillis(500);

  final Map<String, PeerAddress> addresses = new LinkedHashMap<>();
  final List<EtcdNode> nodes = new ArrayList<>();
  final Path root;

  private final UnaryOperator<EtcdNode.Builder> customizer;

  TestCluster(Path root, int size) {
    this(root, size, UnaryOperator.identity());
  }

  TestCluster(Path root, int size, UnaryOperator<EtcdNode.Builder> customizer) {
    this.root = root;
    this.customizer = customizer;
    for (int i = 1; i <= size; i++) {
      addresses.put("m" + i, new PeerAddress("127.0.0.1", freePort()));
    }
    for (String name : addresses.keySet()) {
      nodes.add(node(name));
    }
  }

  EtcdNode node(String name) {
    return customizer
        .apply(
            EtcdNode.builder()
                .memberName(name)
                .dataDir(root.resolve(name))
                .peerListen(addresses.get(name))
                .initialCluster(addresses)
                .heartbeatInterval(HEARTBEAT)
                .electionTimeout(ELECTION))
        .build();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean bindable(PeerAddress address) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address.host(), address.port()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  TestCluster start() {
    CompletableFuture<?>[] started = new CompletableFuture<?>[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      started[i] = nodes.get(i).start();
    }
    CompletableFuture.allOf(started).join();
    return this;
  }

  static StatusResponse status(EtcdNode node) {
    return node.maintenance().status().join();
  }

  /** The member all running members agree leads. */
  EtcdNode awaitLeader(List<EtcdNode> running) {
    long[] leader = new long[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> (leader[0] = agreedLeaderId(running)) != 0);
    return running.stream().filter(n -> n.memberId() == leader[0]).findFirst().orElseThrow();
  }

  /**
   * The id of the leader every member of {@code running} names, when it is one of them; 0 while
   * they disagree or know none.
   */
  static long agreedLeaderId(List<EtcdNode> running) {
    long l = status(running.get(0)).leaderId();
    for (EtcdNode n : running) {
      if (status(n).leaderId() != l) {
        return 0;
      }
    }
    return running.stream().anyMatch(n -> n.memberId() == l) ? l : 0;
  }

  /** {@code running} without {@code leader}. */
  static List<EtcdNode> followers(EtcdNode leader, List<EtcdNode> running) {
    List<EtcdNode> out = new ArrayList<>(running);
    out.remove(leader);
    return out;
  }

  /**
   * Live threads a node named {@code member} owns (raft owner, applier, watch hub, snapshot writer,
   * callbacks).
   */
  static List<String> nodeThreads(String member) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (t.isAlive()
          && (n.equals("etch-raft-" + member)
              || n.equals("etch-apply-" + member)
              || n.equals("etch-watch-" + member)
              || n.equals("etch-wal-" + member)
              || n.equals("etch-snap-" + member)
              || n.startsWith("etch-callback-" + member + "-"))) {
        names.add(n);
      }
    }
    return names;
  }

  /** Members that join the running cluster, by name: their addresses. */
  final Map<String, PeerAddress> joined = new LinkedHashMap<>();

  /**
   * A node for {@code name} that joins the running cluster ({@code joinExisting}), on a fresh port
   * the first time and on the same one (and data directory) after; the caller starts it. Closed
   * with the cluster.
   */
  EtcdNode joiner(String name) {
    PeerAddress address =
        joined.computeIfAbsent(name, n -> new PeerAddress("127.0.0.1", freePort()));
    EtcdNode n =
        customizer
            .apply(
                EtcdNode.builder()
                    .memberName(name)
                    .dataDir(root.resolve(name))
                    .peerListen(address)
                    .joinExisting(List.copyOf(addresses.values()))
                    .heartbeatInterval(HEARTBEAT)
                    .electionTimeout(ELECTION))
            .build();
    restarted.add(n);
    return n;
  }

  /** Members built again by {@link #restart}; closed with the cluster. */
  final List<EtcdNode> restarted = new ArrayList<>();

  /** A new node for {@code name} on the same data directory and port; the caller starts it. */
  EtcdNode restart(String name) {
    EtcdNode n = node(name);
    restarted.add(n);
    return n;
  }

  @Override
  public void close() {
    for (EtcdNode n : restarted) {
      n.close();
    }
    for (EtcdNode n : nodes) {
      n.close();
    }
  }
}
