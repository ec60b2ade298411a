package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.transport.codec.FrameTooLargeException;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PeerTransport#forward}: round trip, typed failures, the bounds and the deadline. */
class ForwardTest {
  private static final long CLUSTER = 0xF0F0L;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void closeAllAndCheckLeaks() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  private TestNode[] pair(
      UnaryOperator<PeerTransportBuilder> one, UnaryOperator<PeerTransportBuilder> two)
      throws Exception {
    int[] ports = new int[2];
    for (int i = 0; i < 2; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
    }
    TestNode a = new TestNode(1, 100);
    TestNode b = new TestNode(2, 100);
    nodes.add(a);
    nodes.add(b);
    a.start(
        one.apply(a.builder(CLUSTER, ports[0], dir.resolve("a"))),
        List.of(new PeerEndpoint(2, "127.0.0.1", ports[1])));
    b.start(
        two.apply(b.builder(CLUSTER, ports[1], dir.resolve("b"))),
        List.of(new PeerEndpoint(1, "127.0.0.1", ports[0])));
    await().atMost(WAIT).until(() -> a.transport.peerStats(2).connected());
    await().atMost(WAIT).until(() -> b.transport.peerStats(1).connected());
    return new TestNode[] {a, b};
  }

  private static Throwable failure(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void requestAndAnswerRoundTripWithKindAndPayloadIntact() throws Exception {
    TestNode[] n = pair(UnaryOperator.identity(), UnaryOperator.identity());
    n[1].forwardHandler =
        (from, kind, payload, reply) -> {
          byte[] out = new byte[payload.length + 2];
          out[0] = (byte) from;
          out[1] = (byte) kind;
          System.arraycopy(payload, 0, out, 2, payload.length);
          reply.complete(out);
        };
    for (int i = 0; i < 50; i++) {
      byte[] payload = new byte[i * 37];
      for (int k = 0; k < payload.length; k++) {
        payload[k] = (byte) (k * 7 + i);
      }
      byte[] answer = n[0].transport.forward(2, i % 256, payload).join();
      assertEquals(1, answer[0]);
      assertEquals((byte) (i % 256), answer[1]);
      assertArrayEquals(payload, java.util.Arrays.copyOfRange(answer, 2, answer.length));
    }
    // both directions work: b forwards to a over its own CONTROL connection
    n[0].forwardHandler = (from, kind, payload, reply) -> reply.complete(new byte[] {42});
    assertArrayEquals(new byte[] {42}, n[1].transport.forward(1, 0, new byte[0]).join());
  }

  @Test
  void aNodeThatDoesNotHandleForwardsRefusesWithUnsupported() throws Exception {
    TestNode[] n = pair(UnaryOperator.identity(), UnaryOperator.identity());
    Throwable t = failure(n[0].transport.forward(2, 1, new byte[] {1}));
    ForwardRefusedException e = assertInstanceOf(ForwardRefusedException.class, t);
    assertEquals(ForwardStatus.UNSUPPORTED, e.status());
    assertEquals(2, e.memberId());
  }

  @Test
  void handlerFailureAndOversizedAnswerAreTypedRefusals() throws Exception {
    TestNode[] n = pair(UnaryOperator.identity(), b -> b.maxForwardPayloadBytes(100));
    n[1].forwardHandler =
        (from, kind, payload, reply) -> {
          if (kind == 1) {
            throw new IllegalStateException("handler bug");
          }
          reply.complete(new byte[101]);
        };
    assertEquals(
        ForwardStatus.FAILED,
        assertInstanceOf(
                ForwardRefusedException.class, failure(n[0].transport.forward(2, 1, new byte[0])))
            .status());
    assertEquals(
        ForwardStatus.TOO_LARGE,
        assertInstanceOf(
                ForwardRefusedException.class, failure(n[0].transport.forward(2, 2, new byte[0])))
            .status());
  }

  @Test
  void unknownPeerAndOversizedRequestFailAtOnce() throws Exception {
    TestNode[] n = pair(b -> b.maxForwardPayloadBytes(1000), UnaryOperator.identity());
    PeerUnavailableException e =
        assertInstanceOf(
            PeerUnavailableException.class, failure(n[0].transport.forward(9, 0, new byte[0])));
    assertEquals(9, e.memberId());
    assertInstanceOf(
        FrameTooLargeException.class, failure(n[0].transport.forward(2, 0, new byte[1001])));
    assertThrows(IllegalArgumentException.class, () -> n[0].transport.forward(2, 256, new byte[0]));
  }

  @Test
  void peerGoneFailsTheRequestsInFlightAndLaterOnesWithPeerUnavailable() throws Exception {
    TestNode[] n = pair(UnaryOperator.identity(), UnaryOperator.identity());
    ConcurrentLinkedQueue<ForwardReply> held = new ConcurrentLinkedQueue<>();
    n[1].forwardHandler = (from, kind, payload, reply) -> held.add(reply);
    List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inFlight.add(n[0].transport.forward(2, 0, new byte[] {(byte) i}));
    }
    await().atMost(WAIT).until(() -> held.size() == 5);
    n[1].close();
    for (CompletableFuture<byte[]> f : inFlight) {
      assertInstanceOf(PeerUnavailableException.class, failure(f));
    }
    await().atMost(WAIT).until(() -> !n[0].transport.peerStats(2).connected());
    assertInstanceOf(
        PeerUnavailableException.class, failure(n[0].transport.forward(2, 0, new byte[0])));
    // answering after the connection is gone is harmless
    held.forEach(r -> r.complete(new byte[] {1}));
  }

  @Test
  void inFlightRequestsAreBoundedOnBothSides() throws Exception {
    TestNode[] n = pair(b -> b.maxForwardsInFlightPerPeer(4), b -> b.maxForwardsInFlightPerPeer(2));
    ConcurrentLinkedQueue<ForwardReply> held = new ConcurrentLinkedQueue<>();
    n[1].forwardHandler = (from, kind, payload, reply) -> held.add(reply);
    List<CompletableFuture<byte[]>> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sent.add(n[0].transport.forward(2, 0, new byte[] {(byte) i}));
    }
    // the requester's bound: a fifth fails at once
    TooManyForwardsException tooMany =
        assertInstanceOf(
            TooManyForwardsException.class, failure(n[0].transport.forward(2, 0, new byte[0])));
    assertEquals(4, tooMany.limit());
    // the receiver's bound: the first two are handed to the node, the next two answered BUSY
    // (requests on one connection arrive in order)
    for (CompletableFuture<byte[]> f : sent.subList(2, 4)) {
      assertEquals(
          ForwardStatus.BUSY, assertInstanceOf(ForwardRefusedException.class, failure(f)).status());
    }
    await().atMost(WAIT).until(() -> held.size() == 2);
    assertTrue(sent.subList(0, 2).stream().noneMatch(CompletableFuture::isDone));
    held.forEach(r -> r.complete(new byte[] {7}));
    for (CompletableFuture<byte[]> f : sent.subList(0, 2)) {
      assertArrayEquals(new byte[] {7}, f.join());
    }
    // slots are released: new requests go through
    n[1].forwardHandler = (from, kind, payload, reply) -> reply.complete(payload);
    assertArrayEquals(new byte[] {3}, n[0].transport.forward(2, 0, new byte[] {3}).join());
  }

  @Test
  void noAnswerWithinTheDeadlineFailsWithForwardTimeout() throws Exception {
    TestNode[] n = pair(b -> b.forwardTimeout(Duration.ofMillis(200)), UnaryOperator.identity());
    ConcurrentLinkedQueue<ForwardReply> held = new ConcurrentLinkedQueue<>();
    n[1].forwardHandler = (from, kind, payload, reply) -> held.add(reply);
    ForwardTimeoutException e =
        assertInstanceOf(
            ForwardTimeoutException.class, failure(n[0].transport.forward(2, 0, new byte[0])));
    assertEquals(Duration.ofMillis(200), e.timeout());
    // the late answer is dropped; the connection stays usable
    held.forEach(r -> r.complete(new byte[] {1}));
    n[1].forwardHandler = (from, kind, payload, reply) -> reply.complete(new byte[] {2});
    assertArrayEquals(new byte[] {2}, n[0].transport.forward(2, 0, new byte[0]).join());
  }
}
