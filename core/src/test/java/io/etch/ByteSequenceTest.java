package io.etch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSequenceTest {
  @Test
  void ordersAsUnsignedBytesLikeEtcd() {
    ByteSequence a = ByteSequence.from("a");
    ByteSequence high = ByteSequence.from(new byte[] {(byte) 0xff});
    assertTrue(a.compareTo(high) < 0, "0xff sorts after 'a' (unsigned)");
    assertTrue(ByteSequence.EMPTY.compareTo(a) < 0);
    assertTrue(ByteSequence.from("ab").compareTo(ByteSequence.from("b")) < 0);
  }

  @Test
  void copiesOnTheWayInAndOut() {
    byte[] raw = {1, 2, 3};
    ByteSequence s = ByteSequence.from(raw);
    raw[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, s.getBytes());
    s.getBytes()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, s.getBytes());
  }

  @Test
  void equalityConcatAndPrefix() {
    ByteSequence foo = ByteSequence.from("foo");
    assertEquals(ByteSequence.from("foo"), foo);
    assertEquals(ByteSequence.from("foo").hashCode(), foo.hashCode());
    assertNotEquals(ByteSequence.from("fo"), foo);
    assertEquals(ByteSequence.from("foobar"), foo.concat(ByteSequence.from("bar")));
    assertTrue(ByteSequence.from("foobar").startsWith(foo));
    assertEquals("foo", foo.toString());
  }
}
