package io.etch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.etch.PeerAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberIdsTest {
  @Test
  void memberIdIsTheDocumentedSha1Prefix() throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    byte[] digest = sha1.digest("tok\0node-1".getBytes(StandardCharsets.UTF_8));
    assertEquals(ByteBuffer.wrap(digest).getLong(), MemberIds.memberId("tok", "node-1"));
  }

  @Test
  void idsAreDeterministicAndDistinct() {
    assertEquals(MemberIds.memberId("t", "a"), MemberIds.memberId("t", "a"));
    assertNotEquals(MemberIds.memberId("t", "a"), MemberIds.memberId("t", "b"));
    assertNotEquals(MemberIds.memberId("t", "a"), MemberIds.memberId("u", "a"));
    assertNotEquals(
        MemberIds.memberId("ab", "c"),
        MemberIds.memberId("a", "bc"),
        "the separator keeps token and name apart");
  }

  @Test
  void clusterIdIgnoresMemberOrderButNotMembership() {
    long a = MemberIds.memberId("t", "a");
    long b = MemberIds.memberId("t", "b");
    long c = MemberIds.memberId("t", "c");
    assertEquals(
        MemberIds.clusterId("t", List.of(a, b, c)), MemberIds.clusterId("t", List.of(c, a, b)));
    assertNotEquals(
        MemberIds.clusterId("t", List.of(a, b)), MemberIds.clusterId("t", List.of(a, b, c)));
    assertNotEquals(MemberIds.clusterId("t", List.of(a)), MemberIds.clusterId("u", List.of(a)));
    assertEquals(
        MemberIds.clusterId("t", List.of(-1L, 1L)),
        MemberIds.clusterId("t", List.of(1L, -1L)),
        "sorted as unsigned");
  }

  @Test
  void memberShowsItsIdInHex() {
    Member m = new Member(0xabcdefL, "n", PeerAddress.parse("h:2380"), true);
    assertEquals("abcdef", m.idHex());
  }
}
