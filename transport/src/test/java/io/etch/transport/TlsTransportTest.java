package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.Lane;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestCertificates;
import io.etch.transport.testing.TestCertificates.MemberPem;
import io.etch.transport.testing.TestNode;
import io.etch.transport.tls.TlsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTransportTest {
  private static final long CLUSTER = 0x715L;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path pki;
  private static MemberPem member1;
  private static MemberPem member2;
  private static MemberPem member3;
  private static MemberPem rogue2;

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    TestCertificates certs = new TestCertificates(pki);
    Path ca = certs.createCa("etch-test-ca");
    member1 = certs.createMember("etch-test-ca", "etch-member-1", ca);
    member2 = certs.createMember("etch-test-ca", "etch-member-2", ca);
    member3 = certs.createMember("etch-test-ca", "etch-member-3", ca);
    Path rogueCa = certs.createCa("rogue-ca");
    rogue2 = certs.createMember("rogue-ca", "etch-member-2", ca);
  }

  @AfterEach
  void close() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  private static TlsConfig tls(MemberPem m) {
    return TlsConfig.pem(m.certChain(), m.privateKey(), m.trustedCa());
  }

  private TestNode node(long id, int port, int peerPort, MemberPem pem) {
    TestNode n = new TestNode(id, 1000);
    nodes.add(n);
    long peer = id == 1 ? 2 : 1;
    return n.start(
        n.builder(CLUSTER, port, dir.resolve("s" + id)).tls(tls(pem)),
        List.of(new PeerEndpoint(peer, "127.0.0.1", peerPort)));
  }

  private static int[] ports() throws Exception {
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }

  @Test
  void trustedPeersExchangeMessagesBothWays() throws Exception {
    int[] p = ports();
    TestNode one = node(1, p[0], p[1], member1);
    TestNode two = node(2, p[1], p[0], member2);
    one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(4).build());
    two.transport.send(Message.builder(MessageType.APP).from(2).to(1).term(4).build());
    await().atMost(WAIT).until(() -> !two.inbox.isEmpty() && !one.inbox.isEmpty());
    assertEquals(4, two.inbox.peek().term());
    assertTrue(one.transport.peerStats(2).connected());
    assertEquals(0, one.transport.stats().handshakesRefused());
  }

  @Test
  void certificateOfAnUntrustedCaIsRefused() throws Exception {
    int[] p = ports();
    TestNode one = node(1, p[0], p[1], member1);
    TestNode two = node(2, p[1], p[0], rogue2);
    two.transport.send(Message.builder(MessageType.HEARTBEAT).from(2).to(1).build());
    await().atMost(WAIT).until(() -> one.transport.stats().connectionErrors() > 0);
    await().atMost(WAIT).until(() -> two.unreachable.contains(1L));
    assertTrue(one.inbox.isEmpty());
    assertFalse(two.transport.peerStats(1).connected());
  }

  @Test
  void trustedCertificateOfAnotherMemberIsRefused() throws Exception {
    int[] p = ports();
    TestNode one = node(1, p[0], p[1], member1);
    // Member 2 presents member 3's (valid, trusted) certificate.
    TestNode two = node(2, p[1], p[0], member3);
    two.transport.send(Message.builder(MessageType.HEARTBEAT).from(2).to(1).build());
    await().atMost(WAIT).until(() -> one.transport.stats().handshakesRefused() > 0);
    assertTrue(one.inbox.isEmpty());
  }

  @Test
  void plaintextClientIsRefused() throws Exception {
    int[] p = ports();
    TestNode one = node(1, p[0], p[1], member1);
    ByteBuf hello = Frames.hello(ByteBufAllocator.DEFAULT, Lane.CONTROL, CLUSTER, 2, 1);
    byte[] bytes = new byte[hello.readableBytes()];
    hello.readBytes(bytes);
    hello.release();
    try (Socket s = new Socket("127.0.0.1", one.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // Whatever TLS alert comes back, the server must close.
      }
    }
    await().atMost(WAIT).until(() -> one.transport.stats().connectionErrors() > 0);
    assertTrue(one.inbox.isEmpty());
  }
}
