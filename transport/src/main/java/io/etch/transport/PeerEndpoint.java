package io.etch.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A member of the cluster as the transport knows it: its id and the address it listens on.
 *
 * @param memberId the member's id, {@code > 0}
 * @param host host name or IP literal
 * @param port TCP port, 1..65535 (0 only for a listener that lets the OS choose)
 */
public record PeerEndpoint(long memberId, String host, int port) {
  public PeerEndpoint {
    if (memberId <= 0) {
      throw new IllegalArgumentException("member id must be > 0, got " + memberId);
    }
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host of member " + memberId + " is blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port of member " + memberId + " must be 0..65535, got " + port);
    }
  }

  /**
   * Parses {@code host:port} (an IPv6 literal in brackets: {@code [::1]:2380}).
   *
   * @throws IllegalArgumentException naming the text when it is not of that form
   */
  public static PeerEndpoint parse(long memberId, String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(
          "peer address '" + hostPort + "' of member " + memberId + " is not host:port");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "peer address '" + hostPort + "' of member " + memberId + " has no numeric port", e);
    }
    return new PeerEndpoint(memberId, host, port);
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return memberId + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
