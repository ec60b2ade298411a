package io.etch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyRangeTest {
  private static ByteSequence b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return ByteSequence.from(out);
  }

  @Test
  void prefixEndIsKeyPlusOneLikeEtcd() {
    assertEquals(ByteSequence.from("ab"), KeyRange.prefixEnd(ByteSequence.from("aa")));
    assertEquals(ByteSequence.from("b"), KeyRange.prefixEnd(b('a', 0xff)));
    assertEquals(b('a', 0x80), KeyRange.prefixEnd(b('a', 0x7f)), "no signed overflow");
    assertEquals(KeyRange.NO_END, KeyRange.prefixEnd(b(0xff, 0xff)));
    assertEquals(KeyRange.NO_END, KeyRange.prefixEnd(ByteSequence.EMPTY));
  }

  @Test
  void containsFollowsUnsignedOrder() {
    KeyRange prefix = KeyRange.prefix(ByteSequence.from("a"));
    assertTrue(prefix.contains(ByteSequence.from("a")));
    assertTrue(prefix.contains(b('a', 0xff, 0xff)));
    assertFalse(prefix.contains(ByteSequence.from("b")));
    assertFalse(prefix.contains(ByteSequence.from("0")));

    KeyRange from = KeyRange.fromKey(ByteSequence.from("m"));
    assertTrue(from.isUnbounded());
    assertTrue(from.contains(b(0xff)));
    assertFalse(from.contains(ByteSequence.from("l")));

    KeyRange all = KeyRange.all();
    assertTrue(all.contains(b(0)));
    assertTrue(all.contains(ByteSequence.from("zzz")));

    KeyRange single = KeyRange.single(ByteSequence.from("k"));
    assertTrue(single.isSingleKey());
    assertTrue(single.contains(ByteSequence.from("k")));
    assertFalse(single.contains(ByteSequence.from("k0")));

    KeyRange backwards = KeyRange.between(ByteSequence.from("z"), ByteSequence.from("a"));
    assertFalse(backwards.contains(ByteSequence.from("m")), "end <= key selects nothing");
  }

  @Test
  void rejectsEmptyKeyAndEmptyEnd() {
    assertEquals(
        "key",
        assertThrows(InvalidArgumentException.class, () -> KeyRange.single(ByteSequence.EMPTY))
            .argument());
    assertEquals(
        "endKey",
        assertThrows(
                InvalidArgumentException.class,
                () -> KeyRange.between(ByteSequence.from("a"), ByteSequence.EMPTY))
            .argument());
  }

  @Test
  void describesItselfForMessages() {
    assertEquals("key 'k'", KeyRange.single(ByteSequence.from("k")).toString());
    assertEquals("range ['a', 'b')", KeyRange.prefix(ByteSequence.from("a")).toString());
    assertEquals("range ['a', end)", KeyRange.fromKey(ByteSequence.from("a")).toString());
    assertEquals("key '0x00ff'", KeyRange.single(b(0, 0xff)).toString());
  }
}
