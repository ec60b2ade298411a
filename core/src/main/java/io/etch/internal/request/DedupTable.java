package io.etch.internal.request;

import io.etch.DecodingException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;
import org.agrona.collections.Long2ObjectHashMap;

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
 * <p>Single-threaded: owned by the applier.
 */
public final class DedupTable {
  private static final int SNAPSHOT_MAGIC = 0x45444450; // "EDDP"
  private static final int SNAPSHOT_VERSION = 1;

  private final int maxEntries;
  private final long maxOutcomeBytes;

  /** member id -> request id -> outcome: primitive keys, no boxing on the apply path. */
  private final Long2ObjectHashMap<Long2ObjectHashMap<byte[]>> outcomes =
      new Long2ObjectHashMap<>();

  private final long[] ringMemberIds;
  private final long[] ringRequestIds;
  private int head;
  private int size;
  private long outcomeBytes;

  public DedupTable(int maxEntries, long maxOutcomeBytes) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be > 0, got " + maxEntries);
    }
    if (maxOutcomeBytes <= 0) {
      throw new IllegalArgumentException("maxOutcomeBytes must be > 0, got " + maxOutcomeBytes);
    }
    this.maxEntries = maxEntries;
    this.maxOutcomeBytes = maxOutcomeBytes;
    this.ringMemberIds = new long[maxEntries];
    this.ringRequestIds = new long[maxEntries];
  }

  /** The outcome recorded for the request, or {@code null} when it was not applied (or evicted). */
  public byte[] outcome(RequestHeader header) {
    byte[] outcome = get(header.memberId(), header.requestId());
    return outcome == null ? null : outcome.clone();
  }

  /** Whether the request was applied (and is still remembered). */
  public boolean contains(RequestHeader header) {
    return get(header.memberId(), header.requestId()) != null;
  }

  private byte[] get(long memberId, long requestId) {
    Long2ObjectHashMap<byte[]> ofMember = outcomes.get(memberId);
    return ofMember == null ? null : ofMember.get(requestId);
  }

  /**
   * Records the outcome of a request just applied, evicting the oldest entries beyond the limits.
   *
   * @throws IllegalStateException if the request is already recorded (the applier must skip
   *     duplicates) or its outcome alone is larger than {@code maxOutcomeBytes}
   */
  public void record(RequestHeader header, byte[] outcome) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome.length > maxOutcomeBytes) {
      throw new IllegalStateException(
          "an outcome of "
              + outcome.length
              + " bytes is larger than the table's maxOutcomeBytes of "
              + maxOutcomeBytes);
    }
    if (contains(header)) {
      throw new IllegalStateException(
          "request "
              + Long.toHexString(header.requestId())
              + " of member "
              + Long.toHexString(header.memberId())
              + " is already recorded");
    }
    while (size == maxEntries || outcomeBytes + outcome.length > maxOutcomeBytes) {
      evictOldest();
    }
    int tail = (head + size) % maxEntries;
    ringMemberIds[tail] = header.memberId();
    ringRequestIds[tail] = header.requestId();
    size++;
    Long2ObjectHashMap<byte[]> ofMember = outcomes.get(header.memberId());
    if (ofMember == null) {
      ofMember = new Long2ObjectHashMap<>();
      outcomes.put(header.memberId(), ofMember);
    }
    ofMember.put(header.requestId(), outcome.clone());
    outcomeBytes += outcome.length;
  }

  private void evictOldest() {
    Long2ObjectHashMap<byte[]> ofMember = outcomes.get(ringMemberIds[head]);
    byte[] removed = ofMember.remove(ringRequestIds[head]);
    if (ofMember.isEmpty()) {
      outcomes.remove(ringMemberIds[head]);
    }
    outcomeBytes -= removed.length;
    head = (head + 1) % maxEntries;
    size--;
  }

  /** The number of remembered requests. */
  public int size() {
    return size;
  }

  /** The total bytes of the remembered outcomes. */
  public long outcomeBytes() {
    return outcomeBytes;
  }

  /** Writes the table, oldest first, as a snapshot section. */
  public void writeSnapshot(DataOutput out) throws IOException {
    out.writeInt(SNAPSHOT_MAGIC);
    out.writeInt(SNAPSHOT_VERSION);
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      int slot = (head + i) % maxEntries;
      byte[] outcome = get(ringMemberIds[slot], ringRequestIds[slot]);
      out.writeLong(ringMemberIds[slot]);
      out.writeLong(ringRequestIds[slot]);
      out.writeInt(outcome.length);
      out.write(outcome);
    }
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
      record(header, scratch.get(header.memberId(), header.requestId()));
    }
  }

  private void clear() {
    outcomes.clear();
    head = 0;
    size = 0;
    outcomeBytes = 0;
  }

  private static DecodingException corrupt(String reason) {
    return new DecodingException("etch-dedup-snapshot", 0, reason);
  }
}
