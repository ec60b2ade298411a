package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.codec.Lane;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestMessages;
import io.etch.transport.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneAndIoTest {
  private static final long CLUSTER = 0x1A4EL;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  @Test
  void electionAndHeartbeatTrafficRidesTheControlLane() {
    Set<MessageType> data = Set.of(MessageType.APP, MessageType.PROP, MessageType.SNAP);
    for (MessageType t : TestMessages.networkTypes()) {
      Lane expected = data.contains(t) ? Lane.DATA : Lane.CONTROL;
      assertEquals(expected, NettyPeerTransport.laneOf(Message.builder(t).build()), t.name());
    }
  }

  @Test
  void heartbeatOvertakesABacklogOfLargeAppends() throws Exception {
    TestNode two = new TestNode(2, 100_000);
    nodes.add(two);
    two.start(
        two.builder(CLUSTER, 0, dir.resolve("2")), List.of(new PeerEndpoint(1, "127.0.0.1", 1)));
    TestNode one = new TestNode(1, 10);
    nodes.add(one);
    one.start(
        one.builder(CLUSTER, 0, dir.resolve("1")).maxQueuedBytesPerPeer(256L << 20),
        List.of(two.endpoint()));
    await().atMost(WAIT).until(() -> one.transport.peerStats(2).connected());
    Message append = TestMessages.append(1, 2, 64, 16 << 10); // 1 MiB each
    int appends = 64;
    for (int i = 0; i < appends; i++) {
      assertTrue(one.transport.send(append));
    }
    one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(99).build());
    await().atMost(WAIT).until(() -> two.inbox.size() == appends + 1);
    List<Message> order = new ArrayList<>(two.inbox);
    int heartbeatAt = -1;
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).type() == MessageType.HEARTBEAT) {
        heartbeatAt = i;
      }
    }
    assertTrue(
        heartbeatAt < appends,
        "the heartbeat queued after 64 MiB of appends arrived at position " + heartbeatAt);
  }

  @Test
  void nioTransportsInteroperate() {
    TestNode two = new TestNode(2, 100);
    nodes.add(two);
    two.start(
        two.builder(CLUSTER, 0, dir.resolve("2")).ioMode(IoMode.NIO).ioThreads(2),
        List.of(new PeerEndpoint(1, "127.0.0.1", 1)));
    TestNode one = new TestNode(1, 100);
    nodes.add(one);
    one.start(
        one.builder(CLUSTER, 0, dir.resolve("1")).ioMode(IoMode.NIO), List.of(two.endpoint()));
    one.transport.send(TestMessages.append(1, 2, 3, 100));
    await().atMost(WAIT).until(() -> !two.inbox.isEmpty());
    assertEquals(3, two.inbox.peek().entries().size());
  }
}
