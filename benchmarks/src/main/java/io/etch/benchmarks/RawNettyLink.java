package io.etch.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The raw-Netty baseline's plumbing: one client connected to one server on loopback, over the same
 * event-loop transport the peer transport picks (epoll when available, NIO otherwise), with
 * TCP_NODELAY and no codec. Benchmarks supply only what the two ends do with the bytes.
 */
public final class RawNettyLink implements AutoCloseable {
  private final MultiThreadIoEventLoopGroup group;
  private final Channel server;
  private final Channel client;

  private RawNettyLink(MultiThreadIoEventLoopGroup group, Channel server, Channel client) {
    this.group = group;
    this.server = server;
    this.client = client;
  }

  /**
   * Binds a server whose accepted connections each get a handler from {@code serverHandlers}, and
   * connects a client whose pipeline is {@code clientHandler}.
   */
  public static RawNettyLink open(
      Supplier<? extends ChannelHandler> serverHandlers, ChannelHandler clientHandler)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, io);
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(serverHandlers.get());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    Channel client =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(clientHandler)
            .connect(server.localAddress())
            .sync()
            .channel();
    return new RawNettyLink(group, server, client);
  }

  /** The connected client channel. */
  public Channel client() {
    return client;
  }

  @Override
  public void close() {
    client.close().syncUninterruptibly();
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
