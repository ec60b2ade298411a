package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.Lane;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits on time: silent clients and stalled snapshot streams are cut off. */
class TimeoutsTest {
  private static final long CLUSTER = 0x71L;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestNode node;

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  private TestNode start(long id, List<PeerEndpoint> peers) {
    node = new TestNode(id, 10);
    return node.start(
        node.builder(CLUSTER, 0, dir.resolve("recv"))
            .handshakeTimeout(Duration.ofMillis(300))
            .snapshotIdleTimeout(Duration.ofMillis(500)),
        peers);
  }

  @Test
  void silentClientIsDisconnectedAfterTheHandshakeTimeout() throws Exception {
    start(1, List.of(new PeerEndpoint(2, "127.0.0.1", 1)));
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(20_000);
      assertEquals(-1, s.getInputStream().read());
    }
    await().atMost(WAIT).until(() -> node.transport.stats().connectionErrors() > 0);
  }

  @Test
  void stalledIncomingSnapshotIsDroppedAndItsTempFileDeleted() throws Exception {
    start(2, List.of(new PeerEndpoint(1, "127.0.0.1", 1)));
    Path recv = dir.resolve("recv");
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes(Frames.hello(ByteBufAllocator.DEFAULT, Lane.SNAPSHOT, CLUSTER, 1, 2)));
      out.write(bytes(Frames.snapshotBegin(ByteBufAllocator.DEFAULT, 1 << 20, snap(), 1 << 24)));
      out.write(new byte[] {0, 0, 0, 5, 5, 1, 2, 3, 4});
      out.flush();
      // ... and then nothing: the receiver must give up and clean up.
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // HELLO_ACK, then end of stream when the receiver closes.
      }
    }
    await().atMost(WAIT).until(() -> partFiles(recv) == 0);
    assertTrue(node.snapshots.isEmpty());
  }

  @Test
  void snapshotToAReceiverThatStopsReadingFails() throws Exception {
    try (ServerSocket fake = new ServerSocket(0)) {
      start(1, List.of(new PeerEndpoint(2, "127.0.0.1", fake.getLocalPort())));
      byte[] data = new byte[32 << 20];
      Path f = Files.write(dir.resolve("big.snap"), data);
      CompletableFuture<TransportException> outcome = new CompletableFuture<>();
      node.transport.sendSnapshot(
          snap(),
          f,
          new SnapshotCallback() {
            @Override
            public void onSent(Message m) {
              outcome.complete(null);
            }

            @Override
            public void onFailed(Message m, TransportException cause) {
              outcome.complete(cause);
            }
          });
      java.util.List<Socket> held = new java.util.ArrayList<>();
      try {
        while (!outcome.isDone()) {
          Socket c = fake.accept();
          held.add(c);
          DataInputStream in = new DataInputStream(c.getInputStream());
          byte[] hello = new byte[4 + 1 + 31];
          in.readFully(hello);
          if (hello[4 + 1 + 6] == Lane.SNAPSHOT.code()) {
            // Accept, then never read again.
            c.getOutputStream().write(new byte[] {0, 0, 0, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2});
            c.getOutputStream().flush();
          }
        }
        TransportException e = outcome.get(30, TimeUnit.SECONDS);
        assertInstanceOf(SnapshotTransferException.class, e);
        assertEquals(1, node.transport.peerStats(2).snapshotsFailed());
      } finally {
        for (Socket c : held) {
          c.close();
        }
      }
    }
  }

  private static Message snap() {
    return Message.builder(MessageType.SNAP)
        .from(1)
        .to(2)
        .term(3)
        .snapshot(
            new Snapshot(
                new SnapshotMetadata(10, 3, io.etch.raft.ConfState.of(new long[] {1, 2}, null)),
                null))
        .build();
  }

  private static long partFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".part")).count();
    }
  }

  private static byte[] bytes(ByteBuf b) {
    try {
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      return a;
    } finally {
      b.release();
    }
  }
}
