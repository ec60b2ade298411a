package io.etch.benchmarks.node;

import io.etch.benchmarks.RawNettyLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Loopback's floor for a request that crosses the network: a raw Netty round trip of a {@value
 * #MESSAGE_BYTES}-byte message (a put's key and value) to an echo server and back, with at most
 * {@code inflight} messages outstanding (a semaphore the client's read handler releases). No codec,
 * no queue, no Raft: one write-and-flush per message, TCP_NODELAY, the same event-loop transport
 * (epoll when available) the peer transport uses. Messages come back in order, so each one's send
 * time is kept in a ring and its round trip recorded when its last byte returns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 3)
@Fork(1)
public class NettyRttBenchmark {
  static final int MESSAGE_BYTES = FsyncBaselineBenchmark.RECORD_BYTES;
  private static final int RING = 1024;

  @Param({"1", "64"})
  public int inflight;

  private RawNettyLink link;
  private Channel client;
  private ByteBuf message;
  private Semaphore window;
  private final AtomicLongArray sentAtNs = new AtomicLongArray(RING);
  private long sent;
  private long receivedBytes;
  private long received;
  private final LatencyHistogram histogram = new LatencyHistogram();
  private volatile boolean measuring;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    if (inflight > RING) {
      throw new IllegalArgumentException("inflight " + inflight + " > ring " + RING);
    }
    window = new Semaphore(inflight);
    link =
        RawNettyLink.open(
            () ->
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.write(msg, ctx.voidPromise());
                  }

                  @Override
                  public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush();
                  }
                },
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                receivedBytes += b.readableBytes();
                b.release();
                long now = System.nanoTime();
                int done = 0;
                while (received < receivedBytes / MESSAGE_BYTES) {
                  if (measuring) {
                    histogram.record(now - sentAtNs.get((int) (received % RING)));
                  }
                  received++;
                  done++;
                }
                window.release(done);
              }
            });
    client = link.client();
    message = Unpooled.directBuffer(MESSAGE_BYTES);
    message.writeZero(MESSAGE_BYTES);
  }

  @Setup(Level.Iteration)
  public void startIteration(IterationParams iteration) {
    measuring = iteration.getType() == IterationType.MEASUREMENT;
  }

  @TearDown(Level.Iteration)
  public void endIteration() throws InterruptedException {
    window.acquire(inflight);
    window.release(inflight);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LatencyReport.of(histogram, 0).publish("netty-rtt", 2, inflight);
    link.close();
    message.release();
  }

  @Benchmark
  public void roundTrip() throws InterruptedException {
    window.acquire();
    sentAtNs.set((int) (sent++ % RING), System.nanoTime());
    client.writeAndFlush(message.retainedDuplicate(), client.voidPromise());
  }
}
