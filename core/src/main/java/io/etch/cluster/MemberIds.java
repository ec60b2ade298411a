package io.etch.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * How Etch derives ids, deterministically, like etcd (which hashes the peer URLs and the cluster
 * token with SHA-1).
 *
 * <p><b>Member id</b> = the first 8 bytes, big-endian, of {@code SHA-1(UTF-8(clusterToken) || 0x00
 * || UTF-8(memberName))}. Etch hashes the name rather than the peer address so that a member keeps
 * its id when it moves to another address, and so that a joining node can compute its own id from
 * its config. The same name under the same token always gives the same id, so a removed member's
 * name cannot be reused in that cluster ({@code MemberIdRemovedException}); pick a new name. The
 * value 0 means "no member" to Raft; the (2^-64) hash that yields 0 is mapped to 1.
 *
 * <p><b>Cluster id</b> = the first 8 bytes, big-endian, of {@code SHA-1(UTF-8(clusterToken) || 0x00
 * || id_1 || … || id_n)} over the initial members' ids sorted as unsigned numbers, each as 8
 * big-endian bytes (etcd hashes the sorted member ids too). Members that join later learn the
 * cluster id from the cluster.
 */
public final class MemberIds {
  private MemberIds() {}

  /** The member id of {@code memberName} in the cluster created with {@code clusterToken}. */
  public static long memberId(String clusterToken, String memberName) {
    Objects.requireNonNull(clusterToken, "clusterToken");
    Objects.requireNonNull(memberName, "memberName");
    MessageDigest sha1 = sha1();
    sha1.update(clusterToken.getBytes(StandardCharsets.UTF_8));
    sha1.update((byte) 0);
    sha1.update(memberName.getBytes(StandardCharsets.UTF_8));
    return nonZero(ByteBuffer.wrap(sha1.digest()).getLong());
  }

  /** The cluster id of a cluster bootstrapped with these initial member ids. */
  public static long clusterId(String clusterToken, Collection<Long> initialMemberIds) {
    Objects.requireNonNull(clusterToken, "clusterToken");
    long[] ids = initialMemberIds.stream().mapToLong(Long::longValue).toArray();
    Long[] boxed = Arrays.stream(ids).boxed().toArray(Long[]::new);
    Arrays.sort(boxed, Long::compareUnsigned);
    MessageDigest sha1 = sha1();
    sha1.update(clusterToken.getBytes(StandardCharsets.UTF_8));
    sha1.update((byte) 0);
    ByteBuffer buf = ByteBuffer.allocate(Long.BYTES);
    for (Long id : boxed) {
      buf.clear();
      buf.putLong(id);
      sha1.update(buf.array());
    }
    return nonZero(ByteBuffer.wrap(sha1.digest()).getLong());
  }

  private static long nonZero(long id) {
    return id == 0 ? 1 : id;
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      // every Java platform must provide SHA-1 (MessageDigest's documented requirement)
      throw new IllegalStateException("the JVM lacks SHA-1, which every Java platform provides", e);
    }
  }
}
