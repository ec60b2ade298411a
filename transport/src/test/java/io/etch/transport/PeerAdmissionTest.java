package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member that does not know its peers yet admits them through its {@link PeerAdmission}. */
class PeerAdmissionTest {
  private static final long CLUSTER = 0xADD5L;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void closeAllAndCheckLeaks() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  private TestNode node(long id) {
    TestNode n = new TestNode(id, 1000);
    nodes.add(n);
    return n;
  }

  private static Message heartbeat(long from, long to) {
    return Message.builder(MessageType.HEARTBEAT).from(from).to(to).term(1).build();
  }

  @Test
  void aJoinerWithoutClusterIdAdmitsTheFirstDialerAdoptsItsClusterAndAnswersIt() {
    ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
    TestNode joiner = node(2);
    joiner.start(
        joiner
            .builder(CLUSTER, 0, dir.resolve("snap-2"))
            .clusterId(0)
            .peerAdmission(
                (cluster, member, address) -> {
                  asked.add(Long.toHexString(cluster) + "/" + member + "@" + address.getPort());
                  return true;
                }),
        List.of());
    TestNode leader = node(1);
    leader.start(leader.builder(CLUSTER, 0, dir.resolve("snap-1")), List.of(joiner.endpoint()));

    leader.transport.send(heartbeat(1, 2));
    await().atMost(WAIT).until(() -> !joiner.inbox.isEmpty());
    assertEquals(1, joiner.inbox.poll().from());
    assertEquals("add5/1@" + leader.port(), asked.peek());

    // the joiner dials back at the advertised address, under the adopted cluster id
    joiner.transport.send(heartbeat(2, 1));
    await().atMost(WAIT).until(() -> !leader.inbox.isEmpty());
    assertEquals(2, leader.inbox.poll().from());
    assertEquals(0, leader.transport.stats().handshakesRefused());
  }

  @Test
  void aRefusingPolicyAndAnotherClusterAreRefused() {
    TestNode member = node(2);
    member.start(
        member
            .builder(CLUSTER, 0, dir.resolve("snap-2"))
            .peerAdmission((cluster, id, address) -> cluster == CLUSTER && id != 3),
        List.of());
    TestNode refused = node(3);
    refused.start(refused.builder(CLUSTER, 0, dir.resolve("snap-3")), List.of(member.endpoint()));
    TestNode foreign = node(4);
    foreign.start(
        foreign.builder(CLUSTER + 1, 0, dir.resolve("snap-4")), List.of(member.endpoint()));
    refused.transport.send(heartbeat(3, 2));
    foreign.transport.send(heartbeat(4, 2));
    await().atMost(WAIT).until(() -> member.transport.stats().handshakesRefused() >= 2);
    assertEquals(0, member.inbox.size());
    assertThrows(IllegalArgumentException.class, () -> member.transport.peerStats(3));
    assertThrows(IllegalArgumentException.class, () -> member.transport.peerStats(4));
  }

  @Test
  void aRemovedMemberIsToldSoWhenItDials() {
    ConcurrentLinkedQueue<Long> removedBy = new ConcurrentLinkedQueue<>();
    TestNode acceptor = node(1);
    acceptor.start(acceptor.builder(CLUSTER, 0, dir.resolve("snap-1")), List.of());
    TestNode removed = node(2);
    removed.start(
        removed.builder(CLUSTER, 0, dir.resolve("snap-2")).removalListener(removedBy::add),
        List.of(acceptor.endpoint()));
    acceptor.transport.addPeer(removed.endpoint());
    removed.transport.send(heartbeat(2, 1));
    await().atMost(WAIT).until(() -> !acceptor.inbox.isEmpty());
    assertEquals(List.of(), List.copyOf(removedBy));

    acceptor.transport.removePeer(2);
    removed.transport.send(heartbeat(2, 1));
    await().atMost(WAIT).until(() -> removedBy.contains(1L));
  }

  @Test
  void withoutAPolicyTheClusterIdIsRequired() {
    TestNode n = node(5);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> n.builder(0, 0, dir.resolve("snap-5")).clusterId(0).build());
    assertEquals(true, e.getMessage().contains("peerAdmission"));
  }

  @Test
  void aWildcardListenerAdvertisesTheConfiguredAddress() {
    TestNode joiner = node(2);
    joiner.start(
        joiner.builder(CLUSTER, 0, dir.resolve("snap-2")).peerAdmission((c, m, a) -> true),
        List.of());
    TestNode dialer = node(1);
    int port = TestClusterPorts.free();
    dialer.start(
        dialer
            .builder(CLUSTER, port, dir.resolve("snap-1"))
            .listenAddress(new InetSocketAddress("0.0.0.0", port))
            .advertisedAddress(new InetSocketAddress("127.0.0.1", port)),
        List.of(joiner.endpoint()));
    dialer.transport.send(heartbeat(1, 2));
    await().atMost(WAIT).until(() -> !joiner.inbox.isEmpty());
    joiner.transport.send(heartbeat(2, 1));
    await().atMost(WAIT).until(() -> !dialer.inbox.isEmpty());
  }

  /** Free ports for a listener that must know its port before it binds. */
  private static final class TestClusterPorts {
    static int free() {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        return s.getLocalPort();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
