package io.etch.benchmarks.transport;

import io.etch.benchmarks.RawNettyLink;
import io.etch.raft.Entry;
import io.etch.raft.Message;
import io.etch.raft.MessageType;
import io.etch.transport.Inbound;
import io.etch.transport.PeerEndpoint;
import io.etch.transport.PeerTransport;
import io.etch.transport.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second one member sends another over loopback: APP messages of 64 entries of 256
 * bytes through {@link PeerTransport} (encode, queue, batch, frame, decode into Message objects),
 * next to a raw Netty one-way stream of the very same frame bytes (no codec, no queue: the
 * ceiling). One op = one message; MB/s = ops/s x frame bytes (printed at setup). Both sides keep at
 * most {@link #WINDOW} messages in flight with a semaphore the receiver releases, so the benchmark
 * thread parks instead of spinning (the machine may have fewer cores than busy threads) and both
 * run at the receiver's pace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TransportThroughputBenchmark {
  static final int BATCH = 256;
  static final int WINDOW = 2048;
  static final int RELEASE_EVERY = 16;
  static final int ENTRIES = 64;
  static final int ENTRY_BYTES = 256;

  private Message append;
  private int frameBytes;

  private PeerTransport sender;
  private PeerTransport receiver;
  private final Semaphore transportWindow = new Semaphore(WINDOW);
  private int transportUnreleased;

  private RawNettyLink rawLink;
  private Channel rawClient;
  private ByteBuf rawFrame;
  private final Semaphore rawWindow = new Semaphore(WINDOW);
  private long rawReceivedBytes;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    List<Entry> entries = new ArrayList<>(ENTRIES);
    for (int i = 0; i < ENTRIES; i++) {
      entries.add(Entry.normal(5, 1000 + i, new byte[ENTRY_BYTES]));
    }
    append =
        Message.builder(MessageType.APP)
            .from(1)
            .to(2)
            .term(5)
            .logTerm(5)
            .index(999)
            .commit(990)
            .entries(entries)
            .build();
    frameBytes = (int) MessageCodec.frameBytes(append);
    System.out.printf("frame bytes per APP message: %d%n", frameBytes);

    Path snaps = Files.createTempDirectory("etch-bench-snap");
    Inbound counting =
        new Inbound() {
          @Override
          public boolean offer(Message message) {
            // Called on the receiver's single event loop: release permits in groups, as the raw
            // receiver does per read, rather than waking the sender for every message.
            if (++transportUnreleased == RELEASE_EVERY) {
              transportUnreleased = 0;
              transportWindow.release(RELEASE_EVERY);
            }
            return true;
          }

          @Override
          public void onSnapshot(Message snapMessage, Path receivedFile) {}
        };
    receiver =
        PeerTransport.builder()
            .localMemberId(2)
            .clusterId(7)
            .listenAddress(new InetSocketAddress("127.0.0.1", 0))
            .inbound(counting)
            .snapshotDirectory(snaps)
            .build();
    receiver.start();
    sender =
        PeerTransport.builder()
            .localMemberId(1)
            .clusterId(7)
            .listenAddress(new InetSocketAddress("127.0.0.1", 0))
            .peers(List.of(new PeerEndpoint(2, "127.0.0.1", receiver.localAddress().getPort())))
            .inbound(counting)
            .snapshotDirectory(snaps)
            .build();
    sender.start();
    receiver.addPeer(new PeerEndpoint(1, "127.0.0.1", sender.localAddress().getPort()));

    rawLink =
        RawNettyLink.open(
            () ->
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    long before = rawReceivedBytes / frameBytes;
                    rawReceivedBytes += b.readableBytes();
                    b.release();
                    rawWindow.release((int) (rawReceivedBytes / frameBytes - before));
                  }
                },
            new ChannelInboundHandlerAdapter());
    rawClient = rawLink.client();
    rawFrame = Unpooled.directBuffer(frameBytes);
    MessageCodec.writeFrame(append, rawFrame, 1 << 24);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sender.close();
    receiver.close();
    rawLink.close();
    rawFrame.release();
  }

  /** Appends through the Etch transport. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void transport() throws InterruptedException {
    transportWindow.acquire(BATCH);
    for (int i = 0; i < BATCH; i++) {
      while (!sender.send(append)) {
        Thread.yield();
      }
    }
  }

  /** The same frame bytes written by raw Netty, one write per message, one flush per batch. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rawNettyOneWay() throws InterruptedException {
    rawWindow.acquire(BATCH);
    for (int i = 0; i < BATCH; i++) {
      rawClient.write(rawFrame.retainedDuplicate(), rawClient.voidPromise());
    }
    rawClient.flush();
  }
}
