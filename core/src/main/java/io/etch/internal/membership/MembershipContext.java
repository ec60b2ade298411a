package io.etch.internal.membership;

import static io.etch.internal.membership.MembershipContextDescriptor.*;

import io.etch.PeerAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a membership change tells every member beyond Raft's node id: who proposed it (so that
 * member's applier completes the caller's future), and for an addition the new member's full id,
 * name and peer address. Layout in {@link MembershipContextDescriptor}.
 *
 * @param originMemberId the proposing member's id (0: none)
 * @param requestId the proposing member's request id
 * @param memberId the subject's member id, all 64 bits (Raft sees it with the top bit cleared)
 * @param name the subject's name; empty unless an addition
 * @param address the subject's peer address; null unless an addition
 */
public record MembershipContext(
    long originMemberId, long requestId, long memberId, String name, PeerAddress address) {

  public MembershipContext {
    name = name == null ? "" : name;
  }

  public byte[] encode() {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] h = address == null ? new byte[0] : address.host().getBytes(StandardCharsets.UTF_8);
    if (n.length > MAX_STRING_BYTES || h.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          "member name or host longer than " + MAX_STRING_BYTES + " bytes: " + name);
    }
    ByteBuffer b = ByteBuffer.allocate(MIN_BYTES + n.length + h.length);
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) VERSION);
    b.putLong(originMemberId);
    b.putLong(requestId);
    b.putLong(memberId);
    b.putShort((short) n.length);
    b.put(n);
    b.putShort((short) h.length);
    b.put(h);
    b.putInt(address == null ? 0 : address.port());
    return b.array();
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not such a context (a bug or corruption:
   *     every member fails identically)
   */
  public static MembershipContext decode(byte[] bytes) {
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "membership context of " + bytes.length + " bytes, at least " + MIN_BYTES + " expected");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.get(VERSION_OFFSET);
    if (version != VERSION) {
      throw new IllegalArgumentException("membership context version " + version);
    }
    long origin = b.getLong(ORIGIN_OFFSET);
    long requestId = b.getLong(REQUEST_ID_OFFSET);
    long memberId = b.getLong(MEMBER_ID_OFFSET);
    b.position(NAME_LENGTH_OFFSET);
    String name = string(b, bytes.length);
    String host = string(b, bytes.length);
    if (b.remaining() != 4) {
      throw new IllegalArgumentException(
          "membership context ends " + (b.remaining() - 4) + " bytes off its port");
    }
    int port = b.getInt();
    PeerAddress address = host.isEmpty() ? null : new PeerAddress(host, port);
    return new MembershipContext(origin, requestId, memberId, name, address);
  }

  private static String string(ByteBuffer b, int total) {
    if (b.remaining() < 2) {
      throw new IllegalArgumentException("membership context truncated at " + b.position());
    }
    int length = Short.toUnsignedInt(b.getShort());
    if (length > MAX_STRING_BYTES || b.remaining() < length) {
      throw new IllegalArgumentException(
          "membership context string of " + length + " bytes in " + total + " bytes");
    }
    byte[] s = new byte[length];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
