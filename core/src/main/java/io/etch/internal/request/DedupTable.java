package io.etch.internal.request;

import io.etch.DecodingException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The applied request ids and their outcomes, so a proposal retried after a leader change is
 * applied at most once and its retry gets the original outcome.
 *
 * <h2>Why not Caffeine</h2>
 *
 * This table is part of the replicated state machine: whether an entry is applied or skipped as a
 * duplicate must be the same decision on every member, or their stores diverge. It must therefore
 * hold exactly the same ids on every member after the same applied prefix of the log. Caffeine's
 * size eviction (W-TinyLFU) picks victims from access frequencies sampled in a sketch with a random
 * seed, and does its maintenance asynchronously on an executor, so two members applying the same
 * log could keep different ids; one would skip a retried entry while another applied it twice. That
 * rules Caffeine out here (it remains fine for caches of non-replicated data). This table evicts
 * first-in, first-out: the order depends only on the applied sequence.
 *
 * <h2>Limits</h2>
 *
 * At most {@code maxEntries} outcomes and {@code maxOutcomeBytes} outcome bytes in all; recording
 * beyond either evicts the oldest. A lookup never changes the table (no access-order effects).
 * Outcomes are opaque bytes the applier encodes (typically the response header and body, or an
 * error kind), which keeps the snapshot section independent of response types.
 *
 * <h2>Layout</h2>
 *
 * <p>The entries live in a FIFO ring of parallel arrays (member id, request id, outcome), oldest at
 * {@code head}. An open-addressing index (linear probing, at most half full) finds an entry by
 * (member id, request id) without boxing or per-member maps. Each index slot is one {@code long}:
 * the key's 32-bit hash in the high half and its ring position in the low half, so a probe walks
 * one array and reads the ring (a cache miss at 100,000 entries) only where the whole hash matches;
 * consecutive request ids of one member hash to neighbouring slots (see {@link #hash}), so a
 * member's run of requests shares cache lines of the index; evicting the oldest deletes its index
 * slot by backward shift (no tombstones), which takes each moved entry's home from the hash beside
 * it and so touches only the short probe run after it. The ring reads of an eviction are at {@code
 * head}, which moves sequentially. {@link #contains} remembers its last miss, so the {@link
 * #record} that follows it for the same request skips the duplicate check. On a full table it also
 * finds the index slot of the oldest entry, the one that {@code record} will evict: the request's
 * probe and the oldest entry's probe are random reads of a large array (a cache miss each at
 * 100,000 entries), and made side by side, with no dependency between them, the two misses overlap
 * instead of following each other. A one-byte outcome (what the applier records) is shared, not
 * copied: outcomes are never mutated inside the table and {@link #outcome} returns a copy. A
 * snapshot section is written in one pass over the ring into one array, since it is taken on the
 * applier thread every {@code snapshotCount} entries.
 *
 * <p>Single-threaded: owned by the applier.
 */
public final class DedupTable {
  private static final int SNAPSHOT_MAGIC = 0x45444450; // "EDDP"
  private static final int SNAPSHOT_VERSION = 1;
  private static final int MAX_ENTRIES = 1 << 29;
  private static final long EMPTY = -1L; // ring position -1: never a real slot

  /** Consecutive request ids of a member share the index slots of one run of 2^RUN_BITS. */
  private static final int RUN_BITS = 3;

  private static final long RUN_MASK = (1L << RUN_BITS) - 1;
  private static final int HEADER_BYTES = 3 * Integer.BYTES;
  private static final int ENTRY_HEADER_BYTES = 2 * Long.BYTES + Integer.BYTES;

  private final int maxEntries;
  private final long maxOutcomeBytes;

  private final long[] ringMemberIds;
  private final long[] ringRequestIds;
  private final byte[][] ringOutcomes;
  private int head;
  private int size;
  private long outcomeBytes;

  /**
   * Open addressing with linear probing: {@code hash << 32 | ring position} per slot; {@link
   * #EMPTY} marks a free slot.
   */
  private final long[] index;

  private final int indexMask;

  /** The one-byte outcomes, shared by every entry recording that byte (created when first used). */
  private final byte[][] oneByteOutcomes = new byte[256][];

  // The last request contains() did not find, valid while the table is unchanged since.
  private long missMemberId;
  private long missRequestId;
  private boolean missValid;

  // With missValid: the index slot of the entry at head, found by contains() on a full table; -1
  // when contains() did not look it up.
  private int missOldestAt = -1;

  public DedupTable(int maxEntries, long maxOutcomeBytes) {
    if (maxEntries <= 0 || maxEntries > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "maxEntries must be in [1, " + MAX_ENTRIES + "], got " + maxEntries);
    }
    if (maxOutcomeBytes <= 0) {
      throw new IllegalArgumentException("maxOutcomeBytes must be > 0, got " + maxOutcomeBytes);
    }
    this.maxEntries = maxEntries;
    this.maxOutcomeBytes = maxOutcomeBytes;
    this.ringMemberIds = new long[maxEntries];
    this.ringRequestIds = new long[maxEntries];
    this.ringOutcomes = new byte[maxEntries][];
    int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1; // >= 2 x entries
    this.index = new long[capacity];
    this.indexMask = capacity - 1;
    Arrays.fill(index, EMPTY);
  }

  /** The outcome recorded for the request, or {@code null} when it was not applied (or evicted). */
  public byte[] outcome(RequestHeader header) {
    int at = find(header.memberId(), header.requestId());
    return at < 0 ? null : ringOutcomes[slotOf(index[at])].clone();
  }

  /** Whether the request was applied (and is still remembered). */
  public boolean contains(RequestHeader header) {
    return contains(header.memberId(), header.requestId());
  }

  /** As {@link #contains(RequestHeader)} for the request {@code requestId} of {@code memberId}. */
  public boolean contains(long memberId, long requestId) {
    int at = find(memberId, requestId);
    // On a full table the record() following a miss evicts the oldest entry: look up its index slot
    // now, beside the request's own probe, so the two cache misses overlap.
    int oldestAt = size == maxEntries ? find(ringMemberIds[head], ringRequestIds[head]) : -1;
    if (at >= 0) {
      return true;
    }
    missMemberId = memberId;
    missRequestId = requestId;
    missValid = true;
    missOldestAt = oldestAt;
    return false;
  }

  /**
   * Records the outcome of a request just applied, evicting the oldest entries beyond the limits.
   *
   * @throws IllegalStateException if the request is already recorded (the applier must skip
   *     duplicates) or its outcome alone is larger than {@code maxOutcomeBytes}
   */
  public void record(RequestHeader header, byte[] outcome) {
    record(header.memberId(), header.requestId(), outcome);
  }

  /**
   * As {@link #record(RequestHeader, byte[])} for the request {@code requestId} of {@code
   * memberId}.
   */
  public void record(long memberId, long requestId, byte[] outcome) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome.length > maxOutcomeBytes) {
      throw new IllegalStateException(
          "an outcome of "
              + outcome.length
              + " bytes is larger than the table's maxOutcomeBytes of "
              + maxOutcomeBytes);
    }
    boolean knownMiss = missValid && missMemberId == memberId && missRequestId == requestId;
    int oldestAt = knownMiss ? missOldestAt : -1;
    missValid = false;
    if (!knownMiss && find(memberId, requestId) >= 0) {
      throw new IllegalStateException(
          "request "
              + Long.toHexString(requestId)
              + " of member "
              + Long.toHexString(memberId)
              + " is already recorded");
    }
    while (size == maxEntries || outcomeBytes + outcome.length > maxOutcomeBytes) {
      evictOldest(oldestAt);
      oldestAt = -1;
    }
    int tail = head + size;
    if (tail >= maxEntries) {
      tail -= maxEntries;
    }
    ringMemberIds[tail] = memberId;
    ringRequestIds[tail] = requestId;
    ringOutcomes[tail] = stored(outcome);
    size++;
    outcomeBytes += outcome.length;
    int h = hash(memberId, requestId);
    int i = h & indexMask;
    while (index[i] != EMPTY) {
      i = (i + 1) & indexMask;
    }
    index[i] = ((long) h << 32) | tail;
  }

  /** The table's own copy of an outcome: shared for one byte, else a clone. */
  private byte[] stored(byte[] outcome) {
    if (outcome.length != 1) {
      return outcome.clone();
    }
    int b = outcome[0] & 0xFF;
    byte[] shared = oneByteOutcomes[b];
    if (shared == null) {
      shared = outcome.clone();
      oneByteOutcomes[b] = shared;
    }
    return shared;
  }

  private static int slotOf(long indexEntry) {
    return (int) indexEntry;
  }

  private static int hashOf(long indexEntry) {
    return (int) (indexEntry >>> 32);
  }

  /** The index slot holding the entry, or -1. */
  private int find(long memberId, long requestId) {
    int h = hash(memberId, requestId);
    int i = h & indexMask;
    for (long e = index[i]; e != EMPTY; e = index[i]) {
      if (hashOf(e) == h) {
        int slot = slotOf(e);
        if (ringRequestIds[slot] == requestId && ringMemberIds[slot] == memberId) {
          return i;
        }
      }
      i = (i + 1) & indexMask;
    }
    return -1;
  }

  /**
   * Evicts the entry at {@code head}, whose index slot is {@code knownAt} when the caller found it
   * already (the table unchanged since), else -1.
   */
  private void evictOldest(int knownAt) {
    missValid = false;
    int at = knownAt >= 0 ? knownAt : find(ringMemberIds[head], ringRequestIds[head]);
    if (at < 0 || slotOf(index[at]) != head) {
      throw new IllegalStateException("dedup index lost the entry at ring position " + head);
    }
    removeIndexSlot(at);
    outcomeBytes -= ringOutcomes[head].length;
    ringOutcomes[head] = null;
    if (++head == maxEntries) {
      head = 0;
    }
    size--;
  }

  /**
   * Frees index slot {@code free} by backward shift: every later entry of the probe run whose home
   * slot is not cyclically in {@code (free, j]} moves back into the hole, so lookups never need
   * tombstones.
   */
  private void removeIndexSlot(int free) {
    index[free] = EMPTY;
    int j = free;
    while (true) {
      j = (j + 1) & indexMask;
      long e = index[j];
      if (e == EMPTY) {
        return;
      }
      int home = hashOf(e) & indexMask;
      boolean stays = free <= j ? free < home && home <= j : free < home || home <= j;
      if (!stays) {
        index[free] = e;
        index[j] = EMPTY;
        free = j;
      }
    }
  }

  /**
   * The key's 32-bit hash: the low {@link #RUN_BITS} bits are the request id's own, the rest mix
   * the member id with the request id's higher bits. A member hands out consecutive request ids, so
   * the requests one member proposes in a row share their higher bits and land in the index slots
   * of one 64-byte run (8 {@code long}s), and so do the oldest entries evicted for them: the
   * applier's probes miss the CPU caches once per run instead of once per request. Ids that are not
   * consecutive (lease ids, a restarted member's) spread exactly as with a plain hash.
   */
  private static int hash(long memberId, long requestId) {
    long h = (requestId >>> RUN_BITS) * 0x9E3779B97F4A7C15L ^ memberId;
    h ^= h >>> 32;
    h *= 0xD6E8FEB86659FD93L;
    h ^= h >>> 32;
    return ((int) h << RUN_BITS) | (int) (requestId & RUN_MASK);
  }

  /** The number of remembered requests. */
  public int size() {
    return size;
  }

  /** The total bytes of the remembered outcomes. */
  public long outcomeBytes() {
    return outcomeBytes;
  }

  /**
   * Writes the table, oldest first, as a snapshot section: magic, version, count, then per entry
   * member id, request id, outcome length and outcome (big-endian, as {@link DataOutput} writes).
   */
  public void writeSnapshot(DataOutput out) throws IOException {
    long total = HEADER_BYTES + (long) size * ENTRY_HEADER_BYTES + outcomeBytes;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("dedup snapshot section of " + total + " bytes is too large");
    }
    ByteBuffer section = ByteBuffer.allocate((int) total);
    section.putInt(SNAPSHOT_MAGIC).putInt(SNAPSHOT_VERSION).putInt(size);
    for (int i = 0, slot = head; i < size; i++) {
      byte[] outcome = ringOutcomes[slot];
      section.putLong(ringMemberIds[slot]).putLong(ringRequestIds[slot]).putInt(outcome.length);
      section.put(outcome);
      if (++slot == maxEntries) {
        slot = 0;
      }
    }
    out.write(section.array());
  }

  /**
   * Replaces this table's content with a snapshot section written by {@link #writeSnapshot}. The
   * entries are recorded oldest first under this table's limits, so a smaller table keeps the
   * newest ones, exactly as if it had applied the same sequence.
   *
   * @throws DecodingException if the section is malformed (bad magic or version, negative or
   *     oversized lengths, a duplicate id); the table is then unchanged
   */
  public void readSnapshot(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != SNAPSHOT_MAGIC) {
      throw corrupt("bad magic " + Integer.toHexString(magic));
    }
    int version = in.readInt();
    if (version != SNAPSHOT_VERSION) {
      throw corrupt("unsupported version " + version);
    }
    int count = in.readInt();
    if (count < 0) {
      throw corrupt("negative entry count " + count);
    }
    // Read the whole section into a scratch table first: a failure leaves this one unchanged.
    DedupTable scratch = new DedupTable(maxEntries, maxOutcomeBytes);
    for (int i = 0; i < count; i++) {
      long memberId = in.readLong();
      long requestId = in.readLong();
      int length = in.readInt();
      if (length < 0 || length > maxOutcomeBytes) {
        throw corrupt("entry " + i + " has an outcome length of " + length);
      }
      byte[] outcome = new byte[length];
      in.readFully(outcome);
      RequestHeader header = new RequestHeader(memberId, requestId);
      if (scratch.contains(header)) {
        throw corrupt("entry " + i + " repeats request " + Long.toHexString(requestId));
      }
      scratch.record(header, outcome);
    }
    clear();
    for (int i = 0; i < scratch.size; i++) {
      int slot = (scratch.head + i) % maxEntries;
      RequestHeader header =
          new RequestHeader(scratch.ringMemberIds[slot], scratch.ringRequestIds[slot]);
      record(header, scratch.ringOutcomes[slot]);
    }
  }

  private void clear() {
    missValid = false;
    Arrays.fill(index, EMPTY);
    Arrays.fill(ringOutcomes, null);
    head = 0;
    size = 0;
    outcomeBytes = 0;
  }

  private static DecodingException corrupt(String reason) {
    return new DecodingException("etch-dedup-snapshot", 0, reason);
  }
}
