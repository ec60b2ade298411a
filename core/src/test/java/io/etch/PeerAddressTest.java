package io.etch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerAddressTest {
  @ParameterizedTest
  @CsvSource({
    "localhost:2380, localhost, 2380",
    "10.0.0.1:1, 10.0.0.1, 1",
    "[::1]:2380, ::1, 2380",
    "[fe80::1]:65535, fe80::1, 65535",
    "node-1.example.com:2380, node-1.example.com, 2380"
  })
  void parsesAndPrintsBack(String text, String host, int port) {
    PeerAddress a = PeerAddress.parse(text);
    assertEquals(new PeerAddress(host, port), a);
    assertEquals(text, a.toString());
    assertEquals(a, PeerAddress.parse(a.toString()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost| peerAddress| must be host:port",
        "::1:2380| peerAddress| IPv6 literals in brackets",
        "[::1]2380| peerAddress| must be [ipv6]:port",
        "host:http| port| non-numeric port 'http'",
        "host:0| port| port must be in 1..65535, got 0",
        "host:65536| port| got 65536",
        ":2380| host| host must not be empty",
        "a b:2380| host| contains the invalid character ' '",
        "http://x:2380| peerAddress| must be host:port"
      })
  void rejectsWithTheReason(String text, String argument, String part) {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> PeerAddress.parse(text));
    assertEquals(argument, e.argument());
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0:1, true", "[::]:1, true", "127.0.0.1:1, false"})
  void wildcards(String text, boolean wildcard) {
    assertEquals(wildcard, PeerAddress.parse(text).isWildcard());
    assertTrue(PeerAddress.parse(text).toUnresolvedSocketAddress().isUnresolved());
  }
}
