package io.etch;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A peer's network address: a host (name or IP literal) and a TCP port. Parsed from {@code
 * "host:port"} or {@code "[ipv6]:port"}; the host is not resolved here (resolution happens when the
 * transport connects, so a name may move between IPs).
 *
 * @param host a host name, an IPv4 literal, or an IPv6 literal without brackets
 * @param port 1..65535 (port 0, "any free port", cannot be advertised to peers)
 */
public record PeerAddress(String host, int port) {
  public PeerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new InvalidArgumentException("host", "peer address host must not be empty");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.isWhitespace(c) || c == '/' || c == '[' || c == ']' || c == '@') {
        throw new InvalidArgumentException(
            "host", "peer address host '" + host + "' contains the invalid character '" + c + "'");
      }
    }
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException(
          "port", "peer address port must be in 1..65535, got " + port + " (host " + host + ")");
    }
  }

  /** Parses {@code "host:port"} or {@code "[ipv6]:port"}. */
  public static PeerAddress parse(String hostAndPort) {
    Objects.requireNonNull(hostAndPort, "hostAndPort");
    String host;
    String portText;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      if (close < 0 || close + 1 >= hostAndPort.length() || hostAndPort.charAt(close + 1) != ':') {
        throw new InvalidArgumentException(
            "peerAddress", "peer address '" + hostAndPort + "' must be [ipv6]:port");
      }
      host = hostAndPort.substring(1, close);
      portText = hostAndPort.substring(close + 2);
    } else {
      int colon = hostAndPort.lastIndexOf(':');
      if (colon < 0 || hostAndPort.indexOf(':') != colon) {
        throw new InvalidArgumentException(
            "peerAddress",
            "peer address '"
                + hostAndPort
                + "' must be host:port (IPv6 literals in brackets: [::1]:2380)");
      }
      host = hostAndPort.substring(0, colon);
      portText = hostAndPort.substring(colon + 1);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "port", "peer address '" + hostAndPort + "' has a non-numeric port '" + portText + "'");
    }
    return new PeerAddress(host, port);
  }

  /**
   * Whether the host is a wildcard ("listen on every interface"): {@code 0.0.0.0} or {@code ::}.
   */
  public boolean isWildcard() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  /** An unresolved socket address, resolved by the transport when it binds or connects. */
  public InetSocketAddress toUnresolvedSocketAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** {@code host:port}, with IPv6 literals in brackets; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
