package io.etch.transport;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The event loops and the channel types that match them. */
record IoSupport(
    IoEventLoopGroup group,
    boolean ownsGroup,
    Class<? extends ServerChannel> serverChannelType,
    Class<? extends SocketChannel> channelType) {

  /** Uses the shared group of {@code s} or creates one; the channel types follow its I/O type. */
  static IoSupport create(TransportSettings s) {
    if (s.sharedGroup() != null) {
      boolean epoll = s.sharedGroup().isIoType(EpollIoHandler.class);
      return of(s.sharedGroup(), false, epoll);
    }
    boolean epoll =
        switch (s.ioMode()) {
          case AUTO -> Epoll.isAvailable();
          case EPOLL -> true;
          case NIO -> false;
        };
    IoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            s.ioThreads(),
            new DefaultThreadFactory("etch-transport-" + s.localMemberId()),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    return of(group, true, epoll);
  }

  private static IoSupport of(IoEventLoopGroup group, boolean owns, boolean epoll) {
    return epoll
        ? new IoSupport(group, owns, EpollServerSocketChannel.class, EpollSocketChannel.class)
        : new IoSupport(group, owns, NioServerSocketChannel.class, NioSocketChannel.class);
  }
}
