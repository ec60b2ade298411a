package io.etch.transport;

/** Which Netty I/O implementation a transport that owns its event loops uses. */
public enum IoMode {
  /** Native epoll when {@code Epoll.isAvailable()}, NIO otherwise. */
  AUTO,
  /** Native epoll; building fails when it is unavailable. */
  EPOLL,
  /** Java NIO. */
  NIO
}
