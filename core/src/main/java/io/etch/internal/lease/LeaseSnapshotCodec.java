package io.etch.internal.lease;

import io.etch.ByteSequence;
import io.etch.DecodingException;
import io.etch.lease.Lease;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lessor's snapshot section: the replicated lease state, byte-identical on every member with
 * the same state (leases by ascending id, keys in key order). Big-endian, as {@link DataOutput}
 * writes.
 *
 * <pre>
 *  section := magic:i32 ("ELSE") | version:i32 (1) | leaseCount:i32 | lease*
 *  lease   := leaseId:i64 | ttlSeconds:i64 | remainingTtlMs:i64 | keyCount:i32 | key*
 *  key     := length:i32 | bytes
 * </pre>
 *
 * Reading checks every field (positive ids, TTL within etcd's maximum, non-negative remaining TTL,
 * key lengths within the limit, no id twice, no key on two leases) and fails with a {@link
 * DecodingException}; allocation is bounded by the key limit and by what the stream really holds.
 */
final class LeaseSnapshotCodec {
  static final String CODEC = "etch-lease-snapshot";
  private static final int MAGIC = 0x454C5345;
  private static final int VERSION = 1;

  private LeaseSnapshotCodec() {}

  static void write(List<LeaseEntry> entries, DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(entries.size());
    for (LeaseEntry entry : entries) {
      out.writeLong(entry.id);
      out.writeLong(entry.ttlSeconds);
      out.writeLong(entry.remainingTtlMs);
      out.writeInt(entry.keys.size());
      for (ByteSequence key : entry.keys) {
        byte[] raw = key.unsafeBytes();
        out.writeInt(raw.length);
        out.write(raw);
      }
    }
  }

  /**
   * Reads a section; TTLs below {@code minTtlSeconds} are raised to it, as etcd does on recovery.
   */
  static List<LeaseEntry> read(DataInput in, long minTtlSeconds, int maxKeyBytes)
      throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw corrupt("bad magic " + Integer.toHexString(magic));
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw corrupt("unsupported version " + version);
    }
    int count = in.readInt();
    if (count < 0) {
      throw corrupt("negative lease count " + count);
    }
    List<LeaseEntry> entries = new ArrayList<>(Math.min(count, 1024));
    Set<Long> ids = new HashSet<>();
    Set<ByteSequence> keys = new HashSet<>();
    for (int i = 0; i < count; i++) {
      long id = in.readLong();
      long ttlSeconds = in.readLong();
      long remainingTtlMs = in.readLong();
      if (id <= 0 || !ids.add(id)) {
        throw corrupt("lease " + i + " has a bad or repeated id " + id);
      }
      if (ttlSeconds <= 0 || ttlSeconds > Lease.MAX_TTL_SECONDS) {
        throw corrupt("lease " + Long.toHexString(id) + " has a TTL of " + ttlSeconds + " s");
      }
      if (remainingTtlMs < 0) {
        throw corrupt(
            "lease " + Long.toHexString(id) + " has a remaining TTL of " + remainingTtlMs + " ms");
      }
      LeaseEntry entry = new LeaseEntry(id, Math.max(ttlSeconds, minTtlSeconds), remainingTtlMs);
      int keyCount = in.readInt();
      if (keyCount < 0) {
        throw corrupt("lease " + Long.toHexString(id) + " has a key count of " + keyCount);
      }
      for (int k = 0; k < keyCount; k++) {
        int length = in.readInt();
        if (length <= 0 || length > maxKeyBytes) {
          throw corrupt(
              "lease "
                  + Long.toHexString(id)
                  + " has a key of "
                  + length
                  + " bytes (limit "
                  + maxKeyBytes
                  + ")");
        }
        byte[] raw = new byte[length];
        in.readFully(raw);
        ByteSequence key = ByteSequence.wrap(raw);
        if (!keys.add(key)) {
          throw corrupt("key " + key + " is attached to two leases");
        }
        entry.keys.add(key);
      }
      entries.add(entry);
    }
    return entries;
  }

  private static DecodingException corrupt(String reason) {
    return new DecodingException(CODEC, 0, reason);
  }
}
