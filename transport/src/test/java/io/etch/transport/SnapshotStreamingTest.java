package io.etch.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.raft.Snapshot;
import io.etch.raft.SnapshotMetadata;
import io.etch.transport.codec.Frames;
import io.etch.transport.codec.Lane;
import io.etch.transport.testing.LeakRecorder;
import io.etch.transport.testing.TestMessages;
import io.etch.transport.testing.TestNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStreamingTest {
  private static final long CLUSTER = 0x5AL;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(TestNode::close);
    assertEquals(List.of(), LeakRecorder.unexpectedLeaks());
  }

  /** Completes with null on success, the failure otherwise. */
  private static final class Outcome implements SnapshotCallback {
    final CompletableFuture<TransportException> done = new CompletableFuture<>();

    @Override
    public void onSent(Message snapMessage) {
      done.complete(null);
    }

    @Override
    public void onFailed(Message snapMessage, TransportException cause) {
      done.complete(cause);
    }
  }

  private static Message snap(long from, long to) {
    return Message.builder(MessageType.SNAP)
        .from(from)
        .to(to)
        .term(9)
        .snapshot(
            new Snapshot(
                new SnapshotMetadata(
                    1234, 8, io.etch.raft.ConfState.of(new long[] {1, 2}, new long[0])),
                new byte[] {1, 2, 3}))
        .build();
  }

  private Path file(int bytes, long seed) throws Exception {
    byte[] data = new byte[bytes];
    new Random(seed).nextBytes(data);
    Path f = Files.createTempFile(dir, "snapshot-", ".bin");
    Files.write(f, data);
    return f;
  }

  private TestNode node(long id, int port, List<PeerEndpoint> peers) {
    TestNode n = new TestNode(id, 100);
    nodes.add(n);
    return n.start(
        n.builder(CLUSTER, port, dir.resolve("recv-" + id)).snapshotChunkBytes(64 << 10), peers);
  }

  @Test
  void multiMebibyteSnapshotStreamsAndVerifies() throws Exception {
    TestNode two = node(2, 0, List.of(new PeerEndpoint(1, "127.0.0.1", 1)));
    TestNode one = node(1, 0, List.of(two.endpoint()));
    Path f = file(12 << 20, 7);
    Outcome outcome = new Outcome();
    Message m = snap(1, 2);
    one.transport.sendSnapshot(m, f, outcome);
    assertNull(outcome.done.get(60, TimeUnit.SECONDS));
    await().atMost(WAIT).until(() -> !two.snapshots.isEmpty());
    Path got = two.snapshots.peek();
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(got));
    TestMessages.assertSame(m, two.snapshotMessages.peek());
    assertEquals(1, one.transport.peerStats(2).snapshotsSent());
    // Only the published file remains in the receive directory: no temp file.
    try (var files = Files.list(dir.resolve("recv-2"))) {
      assertEquals(List.of(got), files.toList());
    }
    // Meanwhile the CONTROL lane kept working.
    one.transport.send(Message.builder(MessageType.HEARTBEAT).from(1).to(2).build());
    await().atMost(WAIT).until(() -> !two.inbox.isEmpty());
  }

  @Test
  void streamBrokenMidwayDeletesTheTempFileAndARetrySucceeds() throws Exception {
    TestNode two = node(2, 0, List.of(new PeerEndpoint(1, "127.0.0.1", 1)));
    Path recv = dir.resolve("recv-2");
    // A sender that dies after half the file: raw socket, real frames.
    try (Socket s = new Socket("127.0.0.1", two.port())) {
      OutputStream out = s.getOutputStream();
      out.write(bytes(Frames.hello(ByteBufAllocator.DEFAULT, Lane.SNAPSHOT, CLUSTER, 1, 2)));
      out.write(
          bytes(Frames.snapshotBegin(ByteBufAllocator.DEFAULT, 1 << 20, snap(1, 2), 1 << 24)));
      byte[] chunk = new byte[64 << 10];
      for (int i = 0; i < 8; i++) {
        out.write(new byte[] {0, 1, 0, 1, 5});
        out.write(chunk);
      }
      out.flush();
      await().atMost(WAIT).until(() -> partFiles(recv) == 1);
    }
    await().atMost(WAIT).until(() -> partFiles(recv) == 0);
    assertTrue(two.snapshots.isEmpty());

    // A corrupted stream (wrong CRC) is refused, acked as failed, and leaves nothing behind.
    try (Socket s = new Socket("127.0.0.1", two.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes(Frames.hello(ByteBufAllocator.DEFAULT, Lane.SNAPSHOT, CLUSTER, 1, 2)));
      out.write(bytes(Frames.snapshotBegin(ByteBufAllocator.DEFAULT, 4, snap(1, 2), 1 << 24)));
      out.write(new byte[] {0, 0, 0, 5, 5, 1, 2, 3, 4});
      out.write(bytes(Frames.snapshotEnd(ByteBufAllocator.DEFAULT, 4, 0xBAD)));
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      in.skipNBytes(4 + 1 + 9); // HELLO_ACK
      assertEquals(2, in.readInt());
      assertEquals(7, in.readByte()); // SNAPSHOT_ACK
      assertEquals(0, in.readByte()); // failed
    }
    await().atMost(WAIT).until(() -> partFiles(recv) == 0);
    assertTrue(two.snapshots.isEmpty());

    // A receiver that dies midway: the sender reports failure.
    try (ServerSocket fake = new ServerSocket(0)) {
      TestNode one = node(1, 0, List.of(new PeerEndpoint(2, "127.0.0.1", fake.getLocalPort())));
      Outcome broken = new Outcome();
      one.transport.sendSnapshot(snap(1, 2), file(8 << 20, 3), broken);
      // Control lanes also dial the fake; serve connections until the snapshot one shows up.
      while (!broken.done.isDone()) {
        Socket c = fake.accept();
        serveHalfThenClose(c);
      }
      assertInstanceOf(SnapshotTransferException.class, broken.done.get(30, TimeUnit.SECONDS));
      assertEquals(1, one.transport.peerStats(2).snapshotsFailed());

      // Retry against the real receiver.
      one.transport.updatePeer(two.endpoint());
      Path f = file(3 << 20, 4);
      Outcome retry = new Outcome();
      one.transport.sendSnapshot(snap(1, 2), f, retry);
      assertNull(retry.done.get(60, TimeUnit.SECONDS));
      await().atMost(WAIT).until(() -> two.snapshots.size() == 1);
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(two.snapshots.peek()));
    }
  }

  /** Acks the handshake; on a SNAPSHOT connection reads 1 MiB, then closes. */
  private static void serveHalfThenClose(Socket c) throws Exception {
    try (c) {
      c.setSoTimeout(20_000);
      DataInputStream in = new DataInputStream(c.getInputStream());
      byte[] hello = new byte[4 + 1 + 31];
      in.readFully(hello);
      int lane = hello[4 + 1 + 6];
      if (lane != Lane.SNAPSHOT.code()) {
        return;
      }
      c.getOutputStream().write(new byte[] {0, 0, 0, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2});
      c.getOutputStream().flush();
      in.readNBytes(1 << 20);
    }
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
