package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes and reads the lease call payloads of {@link LeaseCallDescriptor} (an answer's fixed
 * fields in place, keys copied out). Reads check every length against the bytes that remain and
 * fail with {@link DecodingException}; a payload comes from a peer and is untrusted.
 */
final class LeaseCallFlyweight {
  private static final String CODEC = "etch-lease-call";
  private static final ByteOrder BIG = ByteOrder.BIG_ENDIAN;
  private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
  private int length;

  /** The result of a call, as the leader answered it. */
  record Answer(
      int status, long leaseId, long ttlSeconds, long grantedTtlSeconds, List<ByteSequence> keys) {
    static Answer notLeader(long leaseId) {
      return new Answer(LeaseCallDescriptor.STATUS_NOT_LEADER, leaseId, 0, 0, List.of());
    }

    static Answer notFound(long leaseId) {
      return new Answer(LeaseCallDescriptor.STATUS_NOT_FOUND, leaseId, -1, 0, List.of());
    }
  }

  static byte[] request(long leaseId, boolean withKeys) {
    UnsafeBuffer b = new UnsafeBuffer(new byte[LeaseCallDescriptor.REQUEST_BYTES]);
    b.putLong(LeaseCallDescriptor.REQUEST_LEASE_ID_OFFSET, leaseId, BIG);
    b.putByte(
        LeaseCallDescriptor.REQUEST_FLAGS_OFFSET,
        (byte) (withKeys ? LeaseCallDescriptor.FLAG_WITH_KEYS : 0));
    return b.byteArray();
  }

  static byte[] answer(Answer a) {
    int size = LeaseCallDescriptor.ANSWER_KEYS_OFFSET;
    for (ByteSequence key : a.keys()) {
      size += 4 + key.size();
    }
    UnsafeBuffer b = new UnsafeBuffer(new byte[size]);
    b.putByte(LeaseCallDescriptor.ANSWER_STATUS_OFFSET, (byte) a.status());
    b.putLong(LeaseCallDescriptor.ANSWER_LEASE_ID_OFFSET, a.leaseId(), BIG);
    b.putLong(LeaseCallDescriptor.ANSWER_TTL_OFFSET, a.ttlSeconds(), BIG);
    b.putLong(LeaseCallDescriptor.ANSWER_GRANTED_TTL_OFFSET, a.grantedTtlSeconds(), BIG);
    b.putInt(LeaseCallDescriptor.ANSWER_KEY_COUNT_OFFSET, a.keys().size(), BIG);
    int at = LeaseCallDescriptor.ANSWER_KEYS_OFFSET;
    for (ByteSequence key : a.keys()) {
      b.putInt(at, key.size(), BIG);
      b.putBytes(at + 4, key.unsafeBytes());
      at += 4 + key.size();
    }
    return b.byteArray();
  }

  LeaseCallFlyweight wrap(byte[] payload) {
    buffer.wrap(payload);
    length = payload.length;
    return this;
  }

  long requestLeaseId() {
    require(LeaseCallDescriptor.REQUEST_BYTES, length, "request");
    return buffer.getLong(LeaseCallDescriptor.REQUEST_LEASE_ID_OFFSET, BIG);
  }

  boolean requestWithKeys() {
    require(LeaseCallDescriptor.REQUEST_BYTES, length, "request");
    int flags = buffer.getByte(LeaseCallDescriptor.REQUEST_FLAGS_OFFSET) & 0xFF;
    if ((flags & ~LeaseCallDescriptor.FLAG_WITH_KEYS) != 0) {
      throw new DecodingException(CODEC, length, "unknown flags " + flags + " at offset 8");
    }
    return (flags & LeaseCallDescriptor.FLAG_WITH_KEYS) != 0;
  }

  Answer answer(int maxKeyBytes) {
    if (length < LeaseCallDescriptor.ANSWER_KEYS_OFFSET) {
      throw new DecodingException(CODEC, length, "answer shorter than its fixed fields");
    }
    int status = buffer.getByte(LeaseCallDescriptor.ANSWER_STATUS_OFFSET) & 0xFF;
    if (status > LeaseCallDescriptor.STATUS_NOT_LEADER) {
      throw new DecodingException(CODEC, length, "unknown status " + status + " at offset 0");
    }
    int count = buffer.getInt(LeaseCallDescriptor.ANSWER_KEY_COUNT_OFFSET, BIG);
    int at = LeaseCallDescriptor.ANSWER_KEYS_OFFSET;
    if (count < 0 || count > (length - at) / 4) {
      throw new DecodingException(CODEC, length, "key count " + count + " at offset 25");
    }
    List<ByteSequence> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (length - at < 4) {
        throw new DecodingException(CODEC, length, "key " + i + " length cut at offset " + at);
      }
      int n = buffer.getInt(at, BIG);
      if (n < 0 || n > maxKeyBytes || n > length - at - 4) {
        throw new DecodingException(
            CODEC, length, "key " + i + " of " + n + " bytes at offset " + at);
      }
      byte[] key = new byte[n];
      buffer.getBytes(at + 4, key);
      keys.add(ByteSequence.wrap(key));
      at += 4 + n;
    }
    if (at != length) {
      throw new DecodingException(CODEC, length, (length - at) + " bytes after the keys");
    }
    return new Answer(
        status,
        buffer.getLong(LeaseCallDescriptor.ANSWER_LEASE_ID_OFFSET, BIG),
        buffer.getLong(LeaseCallDescriptor.ANSWER_TTL_OFFSET, BIG),
        buffer.getLong(LeaseCallDescriptor.ANSWER_GRANTED_TTL_OFFSET, BIG),
        keys);
  }

  private static void require(int expected, int actual, String what) {
    if (actual != expected) {
      throw new DecodingException(
          CODEC, actual, what + " of " + actual + " bytes, expected " + expected);
    }
  }
}
