package io.etch.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerEndpointTest {
  @Test
  void parsesHostPortAndIpv6Literals() {
    assertEquals(new PeerEndpoint(1, "127.0.0.1", 2380), PeerEndpoint.parse(1, "127.0.0.1:2380"));
    assertEquals(new PeerEndpoint(2, "::1", 2381), PeerEndpoint.parse(2, "[::1]:2381"));
    assertEquals("2@[::1]:2381", PeerEndpoint.parse(2, "[::1]:2381").toString());
  }

  @Test
  void rejectsMalformedAddressesNamingThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeerEndpoint.parse(3, "localhost"));
    assertTrue(e.getMessage().contains("'localhost'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PeerEndpoint.parse(3, "h:x"));
    assertThrows(IllegalArgumentException.class, () -> new PeerEndpoint(0, "h", 1));
    assertThrows(IllegalArgumentException.class, () -> new PeerEndpoint(1, "h", 70_000));
  }
}
