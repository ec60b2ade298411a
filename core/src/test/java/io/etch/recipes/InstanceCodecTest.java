package io.etch.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstanceCodecTest {
  @Test
  void roundTripsEndpointAndMetadata() {
    ServiceInstance in =
        new ServiceInstance("billing", "i-1", "10.0.0.7:8080", Map.of("zone", "eu-1", "v", "3"));
    ByteSequence bytes = InstanceCodec.encode(in);
    assertEquals(in, InstanceCodec.decode("billing", "i-1", bytes));
  }

  @Test
  void foreignOrDamagedValuesDecodeToNull() {
    ServiceInstance in = new ServiceInstance("s", "i", "h:1", Map.of("k", "v"));
    byte[] good = InstanceCodec.encode(in).getBytes();
    assertNull(InstanceCodec.decode("s", "i", ByteSequence.from("plain text")));
    assertNull(InstanceCodec.decode("s", "i", ByteSequence.EMPTY));
    byte[] wrongVersion = good.clone();
    wrongVersion[0] = 9;
    assertNull(InstanceCodec.decode("s", "i", ByteSequence.wrap(wrongVersion)));
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertNull(InstanceCodec.decode("s", "i", ByteSequence.wrap(truncated)), "cut at " + cut);
    }
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertNull(InstanceCodec.decode("s", "i", ByteSequence.wrap(trailing)));
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      byte[] garbage = new byte[random.nextInt(40)];
      random.nextBytes(garbage);
      InstanceCodec.decode("s", "i", ByteSequence.wrap(garbage)); // never throws
    }
  }

  @Test
  void namesWithSlashesOrEmptyAreRefused() {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> new ServiceInstance("a/b", "i", "e"));
    assertEquals("service", e.argument());
    assertThrows(InvalidArgumentException.class, () -> new ServiceInstance("a", "", "e"));
    assertThrows(
        InvalidArgumentException.class,
        () -> InstanceCodec.encode(new ServiceInstance("a", "i", "x".repeat(70_000))));
  }
}
