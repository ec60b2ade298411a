package io.etch.internal.lease;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.LeaseExistsException;
import io.etch.LeaseNotFoundException;
import io.etch.LeaseTtlTooLargeException;
import io.etch.lease.Lease;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2LongHashMap;

/**
 * The replicated lease state: leases by id and the key-to-lease attachments. Changed only by
 * applied entries, so it is identical on every member after the same log prefix. Every check that
 * can fail runs before anything changes, so a failed call leaves the table as it was.
 */
final class LeaseTable {
  private static final long NO_LEASE = 0;

  private final long minTtlSeconds;
  private final Long2ObjectHashMap<LeaseEntry> leases = new Long2ObjectHashMap<>();
  private final Object2LongHashMap<ByteSequence> leaseOfKey = new Object2LongHashMap<>(NO_LEASE);

  LeaseTable(long minTtlSeconds) {
    this.minTtlSeconds = minTtlSeconds;
  }

  /** The TTL a grant of {@code ttlSeconds} gets: raised to the minimum, the maximum checked. */
  long grantedTtl(long ttlSeconds) {
    if (ttlSeconds > Lease.MAX_TTL_SECONDS) {
      throw new LeaseTtlTooLargeException(ttlSeconds, Lease.MAX_TTL_SECONDS);
    }
    return Math.max(ttlSeconds, minTtlSeconds);
  }

  LeaseEntry grant(long leaseId, long ttlSeconds) {
    if (leaseId <= 0) {
      throw new InvalidArgumentException(
          "leaseId", "a granted lease id must be > 0 (the leader picks one for 0), got " + leaseId);
    }
    long granted = grantedTtl(ttlSeconds);
    if (leases.containsKey(leaseId)) {
      throw new LeaseExistsException(leaseId);
    }
    LeaseEntry entry = new LeaseEntry(leaseId, granted, 0);
    leases.put(leaseId, entry);
    return entry;
  }

  /** Removes the lease and its attachments; returns its keys in key order. */
  List<ByteSequence> revoke(long leaseId) {
    LeaseEntry entry = require(leaseId);
    leases.remove(leaseId);
    List<ByteSequence> keys = new ArrayList<>(entry.keys);
    for (ByteSequence key : keys) {
      leaseOfKey.removeKey(key);
    }
    return keys;
  }

  LeaseEntry require(long leaseId) {
    LeaseEntry entry = leases.get(leaseId);
    if (entry == null) {
      throw new LeaseNotFoundException(leaseId);
    }
    return entry;
  }

  LeaseEntry get(long leaseId) {
    return leases.get(leaseId);
  }

  void attach(ByteSequence key, long leaseId) {
    Objects.requireNonNull(key, "key");
    LeaseEntry target = leaseId == NO_LEASE ? null : require(leaseId);
    detach(key);
    if (target != null) {
      target.keys.add(key);
      leaseOfKey.put(key, leaseId);
    }
  }

  void detach(ByteSequence key) {
    long previous = leaseOfKey.removeKey(key);
    if (previous != NO_LEASE) {
      leases.get(previous).keys.remove(key);
    }
  }

  long leaseOf(ByteSequence key) {
    return leaseOfKey.getValue(key);
  }

  /** Installs a lease read from a snapshot; the caller checked it. */
  void restore(LeaseEntry entry) {
    leases.put(entry.id, entry);
    for (ByteSequence key : entry.keys) {
      leaseOfKey.put(key, entry.id);
    }
  }

  boolean isAttached(ByteSequence key) {
    return leaseOfKey.containsKey(key);
  }

  void clear() {
    leases.clear();
    leaseOfKey.clear();
  }

  int size() {
    return leases.size();
  }

  /** Every lease id, ascending. */
  long[] ids() {
    long[] ids = new long[leases.size()];
    int i = 0;
    for (Long2ObjectHashMap<LeaseEntry>.KeyIterator it = leases.keySet().iterator();
        it.hasNext(); ) {
      ids[i++] = it.nextLong();
    }
    Arrays.sort(ids);
    return ids;
  }

  /** Every lease, by ascending id. */
  List<LeaseEntry> entries() {
    long[] ids = ids();
    List<LeaseEntry> entries = new ArrayList<>(ids.length);
    for (long id : ids) {
      entries.add(leases.get(id));
    }
    return entries;
  }
}
