package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestMessages;
import io.etch.transport.testing.TestNode;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportClusterTest {
  private static final long CLUSTER = 0xE7C4L;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void closeAllAndCheckLeaks() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  private TestNode node(long id, int port, List<PeerEndpoint> peers) {
    TestNode n = new TestNode(id, 10_000);
    nodes.add(n);
    return n.start(n.builder(CLUSTER, port, dir.resolve("snap-" + id)), peers);
  }

  /** Reserves free ports by binding and releasing them (SO_REUSEADDR lets the transport rebind). */
  private static int[] freePorts(int n) throws Exception {
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
    }
    return ports;
  }

  private static List<PeerEndpoint> others(int[] ports, long self) {
    List<PeerEndpoint> l = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      if (i + 1 != self) {
        l.add(new PeerEndpoint(i + 1, "127.0.0.1", ports[i]));
      }
    }
    return l;
  }

  private List<TestNode> three() throws Exception {
    int[] ports = freePorts(3);
    List<TestNode> l = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      l.add(node(i, ports[i - 1], others(ports, i)));
    }
    return l;
  }

  @Test
  void threeEndpointsExchangeEveryMessageTypeWithFullFidelity() throws Exception {
    List<TestNode> n = three();
    Random random = new Random(42);
    List<Message> sent = new ArrayList<>();
    for (TestNode from : n) {
      for (TestNode to : n) {
        if (from != to) {
          for (MessageType t : TestMessages.networkTypes()) {
            Message m = TestMessages.full(t, from.id, to.id, random);
            sent.add(m);
            from.transport.send(m);
          }
        }
      }
    }
    // Sends before the connections are up are queued, not dropped.
    await().atMost(WAIT).until(() -> n.stream().mapToInt(x -> x.inbox.size()).sum() == sent.size());
    for (TestNode to : n) {
      List<Message> got = new ArrayList<>(to.inbox);
      for (TestNode from : n) {
        if (from == to) {
          continue;
        }
        List<Message> expected =
            sent.stream().filter(m -> m.from() == from.id && m.to() == to.id).toList();
        List<Message> actual = got.stream().filter(m -> m.from() == from.id).toList();
        assertEquals(expected.size(), actual.size());
        // Per lane order is kept; lanes interleave, so match by type (one message per type).
        for (Message e : expected) {
          Message a = actual.stream().filter(m -> m.type() == e.type()).findFirst().orElseThrow();
          TestMessages.assertSame(e, a);
        }
        PeerStats s = from.transport.peerStats(to.id);
        assertEquals(expected.size(), s.messagesSent());
        assertEquals(0, s.messagesDropped());
        assertTrue(s.bytesOut() > 0);
        assertEquals(s.bytesOut(), to.transport.peerStats(from.id).bytesIn());
        assertEquals(expected.size(), to.transport.peerStats(from.id).messagesReceived());
      }
    }
  }

  @Test
  void localMessagesAreDroppedAndCountedAndUnknownPeersCounted() throws Exception {
    List<TestNode> n = three();
    int local = 0;
    for (MessageType t : MessageType.values()) {
      if (t.isLocal()) {
        local++;
        assertFalse(n.get(0).transport.send(Message.builder(t).from(1).to(2).build()));
      }
    }
    assertEquals(local, n.get(0).transport.stats().localMessagesDropped());
    assertEquals(0, n.get(0).transport.peerStats(2).messagesSent());
    assertFalse(
        n.get(0).transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(9).build()));
    assertEquals(1, n.get(0).transport.stats().messagesToUnknownPeers());
  }

  @Test
  void inboundConnectionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
    TestNode one = new TestNode(1, 16);
    nodes.add(one);
    one.start(one.builder(CLUSTER, 0, dir.resolve("snap-1")).maxInboundConnections(2), List.of());
    List<java.net.Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        sockets.add(new java.net.Socket("127.0.0.1", one.port()));
      }
      await().atMost(WAIT).until(() -> one.transport.stats().inboundConnectionsRefused() == 2);
      // Closing the accepted ones frees their places: new connections are accepted again.
      for (java.net.Socket s : sockets) {
        s.close();
      }
      sockets.clear();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", one.port())) {
                  assertEquals(2, one.transport.stats().inboundConnectionsRefused());
                }
              });
    } finally {
      for (java.net.Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void restartedPeerRebindsSamePortAndTrafficResumes() throws Exception {
    List<TestNode> n = three();
    TestNode one = n.get(0);
    TestNode two = n.get(1);
    int port = two.port();
    one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(1).build());
    await().atMost(WAIT).until(() -> two.inbox.size() == 1);

    two.close();
    nodes.remove(two);
    await().atMost(WAIT).until(() -> one.unreachable.contains(2L));
    assertFalse(one.transport.peerStats(2).connected());

    TestNode again = node(2, port, others(new int[] {one.port(), port, n.get(2).port()}, 2));
    assertEquals(port, again.port());
    await()
        .atMost(WAIT)
        .until(
            () -> {
              one.transport.send(
                  Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(2).build());
              return !again.inbox.isEmpty();
            });
    assertEquals(2, again.inbox.peek().term());
    assertTrue(one.transport.peerStats(2).reconnects() > 0);
    // And the other direction works too.
    again.transport.send(Message.builder(MessageType.VOTE).from(2).to(1).term(3).build());
    await()
        .atMost(WAIT)
        .until(() -> one.inbox.stream().anyMatch(m -> m.type() == MessageType.VOTE));
  }

  @Test
  void membershipAddUpdateAndRemove() throws Exception {
    int[] ports = freePorts(2);
    TestNode one = node(1, ports[0], List.of());
    TestNode two = node(2, ports[1], List.of(new PeerEndpoint(1, "127.0.0.1", ports[0])));
    // Member 1 does not know member 2 yet: its handshake is refused as an unknown member.
    two.transport.send(Message.builder(MessageType.HEARTBEAT).from(2).to(1).build());
    await().atMost(WAIT).until(() -> one.transport.stats().handshakesRefused() > 0);
    assertTrue(one.inbox.isEmpty());

    assertFalse(one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build()));
    one.transport.addPeer(two.endpoint());
    assertThrows(IllegalArgumentException.class, () -> one.transport.addPeer(two.endpoint()));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build());
              return !two.inbox.isEmpty();
            });
    await().atMost(WAIT).until(() -> !one.inbox.isEmpty());

    // Move member 2 to a new address: restart it elsewhere and update member 1.
    two.close();
    nodes.remove(two);
    TestNode moved = node(2, 0, List.of(one.endpoint()));
    one.transport.updatePeer(moved.endpoint());
    await()
        .atMost(WAIT)
        .until(
            () -> {
              one.transport.send(Message.builder(MessageType.APP).from(1).to(2).build());
              return !moved.inbox.isEmpty();
            });

    one.transport.removePeer(2);
    assertThrows(IllegalArgumentException.class, () -> one.transport.peerStats(2));
    assertFalse(one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build()));
    // Member 2's connections to 1 are now refused as unknown; nothing more is delivered.
    long refusedBefore = one.transport.stats().handshakesRefused();
    moved.transport.send(Message.builder(MessageType.HEARTBEAT).from(2).to(1).term(77).build());
    await().atMost(WAIT).until(() -> one.transport.stats().handshakesRefused() > refusedBefore);
    assertTrue(one.inbox.stream().noneMatch(m -> m.term() == 77));
  }

  @Test
  void fullQueueDropsAndCountsWithoutBlocking() throws Exception {
    int[] ports = freePorts(2);
    TestNode one = new TestNode(1, 10);
    nodes.add(one);
    // Member 2 never starts: everything stays queued until the queue is full.
    one.start(
        one.builder(CLUSTER, ports[0], dir.resolve("s1")).maxQueuedMessagesPerPeer(100),
        List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
    int accepted = 0;
    for (int i = 0; i < 150; i++) {
      if (one.transport.send(Message.builder(MessageType.APP).from(1).to(2).index(i).build())) {
        accepted++;
      }
    }
    assertEquals(100, accepted);
    assertEquals(50, one.transport.peerStats(2).messagesDropped());
    // The CONTROL lane has its own queue: a heartbeat still fits.
    assertTrue(one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build()));
    await().atMost(WAIT).until(() -> one.unreachable.contains(2L));

    // Bounded by bytes too.
    TestNode three = new TestNode(3, 10);
    nodes.add(three);
    three.start(
        three
            .builder(CLUSTER, 0, dir.resolve("s3"))
            .maxFrameBytes(64 << 10)
            .maxQueuedBytesPerPeer(64 << 10),
        List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
    Message big = TestMessages.append(3, 2, 10, 4000);
    assertTrue(three.transport.send(big));
    assertFalse(three.transport.send(big));
    Message tooBig = TestMessages.append(3, 2, 1, 70_000);
    assertFalse(three.transport.send(tooBig));
    assertEquals(2, three.transport.peerStats(2).messagesDropped());
  }

  @Test
  void receiverQueueFullIsCounted() throws Exception {
    int[] ports = freePorts(2);
    TestNode one = node(1, ports[0], List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
    TestNode two = new TestNode(2, 5);
    nodes.add(two);
    two.start(
        two.builder(CLUSTER, ports[1], dir.resolve("s2")),
        List.of(new PeerEndpoint(1, "127.0.0.1", ports[0])));
    for (int i = 0; i < 20; i++) {
      one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build());
    }
    await()
        .atMost(WAIT)
        .until(
            () -> {
              PeerStats s = two.transport.peerStats(1);
              return s.messagesReceived() + s.inboundDropped() == 20;
            });
    assertEquals(5, two.transport.peerStats(1).messagesReceived());
    assertEquals(15, two.transport.peerStats(1).inboundDropped());
  }

  @Test
  void foreignClusterIsRefused() throws Exception {
    int[] ports = freePorts(2);
    TestNode one = node(1, ports[0], List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
    TestNode stranger = new TestNode(2, 10);
    nodes.add(stranger);
    stranger.start(
        stranger.builder(CLUSTER + 1, ports[1], dir.resolve("s2")),
        List.of(new PeerEndpoint(1, "127.0.0.1", ports[0])));
    stranger.transport.send(Message.builder(MessageType.VOTE).from(2).to(1).build());
    one.transport.send(Message.builder(MessageType.VOTE).from(1).to(2).build());
    await().atMost(WAIT).until(() -> one.transport.stats().handshakesRefused() > 0);
    await().atMost(WAIT).until(() -> stranger.transport.stats().handshakesRefused() > 0);
    assertTrue(one.inbox.isEmpty());
    assertTrue(stranger.inbox.isEmpty());
    assertFalse(one.transport.peerStats(2).connected());
  }

  @Test
  void sharedEventLoopGroupServesSeveralNodesAndIsNotClosedByThem() throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      int[] ports = freePorts(2);
      TestNode one = new TestNode(1, 100);
      TestNode two = new TestNode(2, 100);
      nodes.add(one);
      nodes.add(two);
      one.start(
          one.builder(CLUSTER, ports[0], dir.resolve("s1")).eventLoopGroup(group),
          List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
      two.start(
          two.builder(CLUSTER, ports[1], dir.resolve("s2")).eventLoopGroup(group),
          List.of(new PeerEndpoint(1, "127.0.0.1", ports[0])));
      one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build());
      await().atMost(WAIT).until(() -> !two.inbox.isEmpty());
      one.close();
      two.close();
      assertFalse(group.isShuttingDown());
      assertThrows(
          IllegalStateException.class,
          () ->
              new TestNode(3, 1)
                  .builder(CLUSTER, 0, dir)
                  .eventLoopGroup(group)
                  .ioThreads(2)
                  .build());
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void builderRejectsMisuseNamingTheConflict() {
    TestNode n = new TestNode(1, 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                n.builder(CLUSTER, 0, dir)
                    .maxFrameBytes(1 << 20)
                    .maxQueuedBytesPerPeer(1000)
                    .build());
    assertTrue(e.getMessage().contains("maxQueuedBytesPerPeer"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> n.builder(CLUSTER, 0, dir).peers(List.of(new PeerEndpoint(1, "h", 1))).build());
    assertThrows(
        IllegalStateException.class,
        () ->
            n.builder(CLUSTER, 0, dir)
                .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                .build());
  }
}
