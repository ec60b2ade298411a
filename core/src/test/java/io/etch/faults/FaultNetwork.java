package io.etch.faults;

import io.etch.PeerAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-side network between cluster members: one TCP proxy per member, which every <em>other</em>
 * member's {@code initialCluster} names as that member's address. The node code is unchanged; it
 * simply dials the proxy.
 *
 * <h2>How it sees who talks to whom</h2>
 *
 * Etch's peer connections are one-way (the dialer writes Raft messages, the acceptor only answers
 * the handshake), and every connection starts with a HELLO frame naming the sender's member id and
 * the lane. The proxy frames the dialer's byte stream ({@code int32 length | int8 type | body}),
 * reads the sender from HELLO, and from then on decides per frame: forward, drop, or hold back.
 * Dropping whole frames keeps the stream well-formed, so a healed link carries on with no
 * reconnect.
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>{@link #cut(String, String)} — directed: frames from one member to another are discarded
 *       (an asymmetric partition when only one direction is cut). A snapshot stream crossing a cut
 *       is closed instead (dropping chunks would only make the receiver time out).
 *   <li>{@link #partition}, {@link #isolate} — sets of cuts; {@link #heal()} removes every cut.
 *   <li>{@link #drops(double)} — each Raft message frame is lost with this probability.
 *   <li>{@link #delays(long, long)} — each frame waits a base delay plus a random jitter, order
 *       kept per connection.
 *   <li>{@link #freeze}/{@link #thaw} — the proxy stops reading a member's connections (both
 *       directions), so TCP back-pressure builds up as if the member (or its NIC) stalled.
 * </ul>
 *
 * {@link #barrier()} waits until every frame already read has been judged under the current rules:
 * after {@code isolate(m); barrier()} nothing {@code m} sends from then on reaches anyone, which is
 * what a crash needs. Randomness comes from one seeded {@link Random} per proxy; thread
 * interleavings are not reproducible, the fault schedule and the drop decisions' seed are.
 */
final class FaultNetwork implements AutoCloseable {
  private static final int MAX_FRAME_BYTES = 1 << 30;
  private static final int FRAME_HELLO = 1;
  private static final int FRAME_MESSAGE = 3;
  private static final int HELLO_LANE_OFFSET = 5 + 6;
  private static final int HELLO_SENDER_OFFSET = 5 + 15;
  private static final int LANE_SNAPSHOT = 2;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final long seed;
  private final Map<Long, String> namesByRaftId = new ConcurrentHashMap<>();
  private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();
  private final Set<Link> cuts = ConcurrentHashMap.newKeySet();
  private final Set<String> frozen = ConcurrentHashMap.newKeySet();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile double dropProbability;
  private volatile long delayNs;
  private volatile long jitterNs;

  final AtomicLong framesForwarded = new AtomicLong();
  final AtomicLong framesCut = new AtomicLong();
  final AtomicLong framesDropped = new AtomicLong();
  final AtomicLong framesDelayed = new AtomicLong();

  private record Link(String from, String to) {}

  FaultNetwork(long seed) {
    this.seed = seed;
  }

  /**
   * Starts a proxy in front of {@code member} listening on {@code listen} and forwarding to {@code
   * target}, the member's real peer address. {@code raftId} is the id the member's HELLO carries.
   */
  PeerAddress addMember(String member, long raftId, PeerAddress listen, PeerAddress target) {
    namesByRaftId.put(raftId, member);
    Proxy proxy = new Proxy(member, target, new Random(seed ^ member.hashCode()));
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    Connection c = new Connection(proxy, ch);
                    ch.pipeline()
                        .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 0))
                        .addLast(c);
                  }
                });
    proxy.server =
        b.bind(new InetSocketAddress(listen.host(), listen.port())).syncUninterruptibly().channel();
    proxies.put(member, proxy);
    return listen;
  }

  /** Frames from {@code from} to {@code to} are lost until {@link #heal()}. */
  void cut(String from, String to) {
    cuts.add(new Link(from, to));
    closeSnapshotStreams();
  }

  /** Cuts every link between {@code side} and the other members, both ways. */
  void partition(Collection<String> side) {
    for (String a : proxies.keySet()) {
      for (String b : proxies.keySet()) {
        if (side.contains(a) != side.contains(b)) {
          cuts.add(new Link(a, b));
        }
      }
    }
    closeSnapshotStreams();
  }

  /** Cuts {@code member} off from everyone, both ways. */
  void isolate(String member) {
    for (String other : proxies.keySet()) {
      if (!other.equals(member)) {
        cuts.add(new Link(member, other));
        cuts.add(new Link(other, member));
      }
    }
    closeSnapshotStreams();
  }

  /** Reconnects {@code member} with everyone (other cuts stay). */
  void rejoin(String member) {
    cuts.removeIf(l -> l.from.equals(member) || l.to.equals(member));
  }

  /** Removes every cut. */
  void heal() {
    cuts.clear();
  }

  boolean isCut(String from, String to) {
    return cuts.contains(new Link(from, to));
  }

  void drops(double probability) {
    this.dropProbability = probability;
  }

  void delays(long baseNs, long jitterNs) {
    this.delayNs = baseNs;
    this.jitterNs = jitterNs;
  }

  /** Stops forwarding anything to or from {@code member} until {@link #thaw}. */
  void freeze(String member) {
    frozen.add(member);
  }

  void thaw(String member) {
    frozen.remove(member);
    for (Connection c : connections) {
      c.channel.eventLoop().execute(c::resume);
    }
  }

  /** Clears every fault: cuts, drops, delays, freezes. */
  void calm() {
    heal();
    drops(0);
    delays(0, 0);
    for (String m : Set.copyOf(frozen)) {
      thaw(m);
    }
  }

  /** Returns once every frame read so far has been judged under the rules set before the call. */
  void barrier() {
    group.submit(() -> {}).syncUninterruptibly();
  }

  private void closeSnapshotStreams() {
    for (Connection c : connections) {
      if (c.lane == LANE_SNAPSHOT && c.from != null && isCut(c.from, c.proxy.member)) {
        c.channel.close();
      }
    }
  }

  @Override
  public void close() {
    for (Proxy p : proxies.values()) {
      p.server.close().syncUninterruptibly();
    }
    for (Connection c : connections) {
      c.channel.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Proxy {
    final String member;
    final PeerAddress target;
    final Random random;
    Channel server;

    Proxy(String member, PeerAddress target, Random random) {
      this.member = member;
      this.target = target;
      this.random = random;
    }
  }

  private record Held(ByteBuf frame, long releaseAtNs) {}

  /** One dialer connection to a proxy and its upstream connection to the member. */
  private final class Connection extends ChannelInboundHandlerAdapter {
    final Proxy proxy;
    final Channel channel;
    final ArrayDeque<Held> held = new ArrayDeque<>();
    Channel upstream;
    String from;
    int lane = -1;
    long lastReleaseNs;
    boolean flushScheduled;

    Connection(Proxy proxy, Channel channel) {
      this.proxy = proxy;
      this.channel = channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      connections.add(this);
      new Bootstrap()
          .group(channel.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Downstream(this))
          .connect(new InetSocketAddress(proxy.target.host(), proxy.target.port()))
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      upstream = f.channel();
                      channel.config().setAutoRead(true);
                      channel.read();
                    } else {
                      channel.close();
                    }
                  });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connections.remove(this);
      releaseHeld();
      if (upstream != null) {
        upstream.close();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      int type = frame.getByte(frame.readerIndex() + 4);
      if (from == null) {
        if (type != FRAME_HELLO || frame.readableBytes() < HELLO_SENDER_OFFSET + 8) {
          frame.release();
          channel.close();
          return;
        }
        lane = frame.getByte(frame.readerIndex() + HELLO_LANE_OFFSET);
        from =
            namesByRaftId.getOrDefault(
                frame.getLong(frame.readerIndex() + HELLO_SENDER_OFFSET), "?");
        upstream.writeAndFlush(frame);
        return;
      }
      if (isCut(from, proxy.member)) {
        framesCut.incrementAndGet();
        frame.release();
        if (lane == LANE_SNAPSHOT) {
          channel.close();
        }
        return;
      }
      if (type == FRAME_MESSAGE
          && dropProbability > 0
          && proxy.random.nextDouble() < dropProbability) {
        framesDropped.incrementAndGet();
        frame.release();
        return;
      }
      if (frozen.contains(from) || frozen.contains(proxy.member)) {
        channel.config().setAutoRead(false);
      }
      long delay = delayNs;
      if (delay == 0 && held.isEmpty()) {
        framesForwarded.incrementAndGet();
        upstream.write(frame);
        return;
      }
      long jitter = jitterNs == 0 ? 0 : (long) (proxy.random.nextDouble() * jitterNs);
      long releaseAt = Math.max(lastReleaseNs, System.nanoTime() + delay + jitter);
      lastReleaseNs = releaseAt;
      held.add(new Held(frame, releaseAt));
      framesDelayed.incrementAndGet();
      scheduleFlush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.flush();
      }
    }

    void resume() {
      if (channel.isActive()
          && !frozen.contains(proxy.member)
          && (from == null || !frozen.contains(from))) {
        channel.config().setAutoRead(true);
        channel.read();
      }
    }

    private void scheduleFlush() {
      if (flushScheduled || held.isEmpty()) {
        return;
      }
      flushScheduled = true;
      long wait = Math.max(0, held.peekFirst().releaseAtNs - System.nanoTime());
      channel.eventLoop().schedule(this::flushHeld, wait, TimeUnit.NANOSECONDS);
    }

    private void flushHeld() {
      flushScheduled = false;
      long now = System.nanoTime();
      boolean wrote = false;
      while (!held.isEmpty() && held.peekFirst().releaseAtNs - now <= 0) {
        ByteBuf frame = held.pollFirst().frame;
        if (!channel.isActive() || isCut(from, proxy.member)) {
          framesCut.incrementAndGet();
          frame.release();
        } else {
          framesForwarded.incrementAndGet();
          upstream.write(frame);
          wrote = true;
        }
      }
      if (wrote) {
        upstream.flush();
      }
      scheduleFlush();
    }

    private void releaseHeld() {
      Held h;
      while ((h = held.pollFirst()) != null) {
        h.frame.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The member's answers (handshake and snapshot acks) back to the dialer, byte for byte. */
  private static final class Downstream extends ChannelInboundHandlerAdapter {
    private final Connection connection;

    Downstream(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (connection.channel.isActive()) {
        connection.channel.writeAndFlush(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connection.channel.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
