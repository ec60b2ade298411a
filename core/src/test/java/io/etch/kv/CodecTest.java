package io.etch.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.InvalidArgumentException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static final long SEED = 0x5eed_c0dec_0deL;

  @Test
  void utf8RoundTripsAndIsStrict() {
    for (String s : new String[] {"", "plain", "ümlaut", "日本語", "emoji \uD83D\uDE00"}) {
      assertEquals(s, Codec.utf8().decode(Codec.utf8().encode(s)));
    }
    assertEquals(ByteSequence.from("ab"), Codec.utf8().encode("ab"));
    DecodingException e =
        assertThrows(
            DecodingException.class,
            () -> Codec.utf8().decode(ByteSequence.from(new byte[] {'a', (byte) 0xc3})));
    assertEquals("utf8", e.codec());
    assertEquals(2, e.sizeBytes());
    assertEquals("cannot decode 2 bytes with the utf8 codec: malformed UTF-8", e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> Codec.utf8().encode("\uD800 lone"));
  }

  @Test
  void int64RoundTripsAndPreservesNumericOrder() {
    Random random = new Random(SEED);
    long[] samples = new long[200];
    samples[0] = Long.MIN_VALUE;
    samples[1] = Long.MAX_VALUE;
    samples[2] = 0;
    samples[3] = -1;
    samples[4] = 1;
    for (int i = 5; i < samples.length; i++) {
      samples[i] = random.nextLong();
    }
    for (long a : samples) {
      assertEquals(a, Codec.int64().decode(Codec.int64().encode(a)), "seed " + SEED);
      for (long b : samples) {
        int bytes = Integer.signum(Codec.int64().encode(a).compareTo(Codec.int64().encode(b)));
        assertEquals(Integer.signum(Long.compare(a, b)), bytes, a + " vs " + b + ", seed " + SEED);
      }
    }
    assertEquals(8, Codec.int64().encode(7L).size());
    DecodingException e =
        assertThrows(DecodingException.class, () -> Codec.int64().decode(ByteSequence.from("abc")));
    assertEquals("int64", e.codec());
    assertTrue(e.getMessage().contains("expected exactly 8 bytes"));
  }

  @Test
  void bytesCodecCopies() {
    byte[] raw = {1, 2, 3};
    ByteSequence encoded = Codec.bytes().encode(raw);
    raw[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, Codec.bytes().decode(encoded));
    Codec.bytes().decode(encoded)[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, Codec.bytes().decode(encoded));
    ByteSequence same = ByteSequence.from("x");
    assertEquals(same, Codec.identity().decode(Codec.identity().encode(same)));
  }

  @Test
  void mappedCodecWrapsDecodeFailures() {
    Codec<Long> decimal = Codec.utf8().map("decimal", Long::valueOf, String::valueOf);
    assertEquals(ByteSequence.from("42"), decimal.encode(42L));
    assertEquals(-7L, decimal.decode(ByteSequence.from("-7")));
    DecodingException e =
        assertThrows(DecodingException.class, () -> decimal.decode(ByteSequence.from("4x")));
    assertEquals("decimal", e.codec());
    assertTrue(e.getMessage().contains("NumberFormatException"), e.getMessage());
    DecodingException inner =
        assertThrows(
            DecodingException.class,
            () -> decimal.decode(ByteSequence.from(new byte[] {(byte) 0xff})));
    assertEquals("utf8", inner.codec(), "the base codec's failure passes through");
  }
}
