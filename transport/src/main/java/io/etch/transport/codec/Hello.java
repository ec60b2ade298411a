package io.etch.transport.codec;

/**
 * A decoded HELLO: see {@link HandshakeDescriptor}.
 *
 * @param advertisedHost the dialer's advertised listen host, empty when the HELLO has none
 * @param advertisedPort the dialer's advertised listen port, 0 when the HELLO has none
 */
public record Hello(
    int magic,
    int version,
    Lane lane,
    long clusterId,
    long senderId,
    long receiverId,
    String advertisedHost,
    int advertisedPort) {

  /** Whether the dialer advertised where it listens. */
  public boolean hasAdvertisedAddress() {
    return advertisedPort > 0 && !advertisedHost.isEmpty();
  }
}
