package io.etch.internal.lease;

import io.etch.ByteSequence;
import io.etch.LeaseNotFoundException;
import io.etch.internal.request.LeaseCheckpoint;
import io.etch.internal.request.RequestIdGenerator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.agrona.collections.LongArrayList;

/**
 * Leases with etcd's semantics ({@code server/lease/lessor.go}), as a pure, single-threaded state
 * machine the node drives. No threads, no clock reads: every time is a {@code nowNs} value from the
 * node's injected {@code Clock.nanoTime()}.
 *
 * <h2>Two kinds of state</h2>
 *
 * <p><b>Replicated</b> — leases (id, granted TTL, checkpointed remaining TTL) and the keys attached
 * to them. Changed only by applied entries ({@link #grant}, {@link #revoke}, {@link #attach},
 * {@link #detach}, {@link #checkpoint}) and by {@link #readSnapshot}, in log order, so it is
 * identical on every member; every check that can fail ({@code LeaseNotFoundException} on attach,
 * {@code LeaseExistsException} on grant, ...) fails the same way everywhere and changes nothing.
 *
 * <p><b>Leader-only</b> — expiries. Only a promoted lessor knows when a lease expires; followers
 * keep every lease forever and never expire one from their own clock. Expiry is therefore a leader
 * decision replicated as a LEASE_REVOKE: the node asks {@link #expired} for due leases and proposes
 * a revoke for each; the revoke, applied on every member, deletes the lease's keys in one revision.
 *
 * <h2>Leader changes never expire a lease early</h2>
 *
 * {@link #promote} gives every lease a fresh expiry of now + its TTL (+ the configured extension):
 * a client that kept a lease alive on the old leader gets at least one full TTL from the new one.
 * With checkpointing, "its TTL" is the last checkpointed remaining TTL, so a long lease is not
 * restarted from scratch on every election. A keep-alive on a lease with a checkpoint asks the node
 * to clear it ({@link LeaseRenewal#clearCheckpoint()}), or a later leader would restart the lease
 * from the stale, shorter value. {@link #demote} forgets every expiry.
 *
 * <p>When a new leader has at least {@code maxRevokesPerSecond} leases, promote also spreads
 * expiries that pile up in the same second over later seconds (at 3/4 of the revoke rate, etcd's
 * rule), so a mass of leases granted together does not expire in one burst. This only ever delays.
 *
 * <h2>Rate limits</h2>
 *
 * {@link #expired} hands out at most {@code maxRevokesPerSecond} leases in any second of injected
 * time, earliest deadline first (ties by id): 100,000 simultaneous expiries become 100 batches of
 * revokes spread over 100 s, and writes keep flowing between them. A lease handed out is handed out
 * again after {@code expiredRetryNs} if its revoke has not been applied by then (a lost proposal).
 * {@link #checkpointsDue} is limited to {@code maxCheckpointsPerSecond} the same way.
 *
 * <h2>Threading</h2>
 *
 * Not thread-safe. The node calls it from one thread — the applier, which applies entries in log
 * order and is told of leadership changes in order with them.
 */
public final class Lessor {
  private static final long NS_PER_SECOND = 1_000_000_000L;
  private static final long NS_PER_MS = 1_000_000L;

  private final LessorConfig config;
  private final LeaseTable table;
  private final DeadlineHeap expiryHeap = new DeadlineHeap();
  private final DeadlineHeap checkpointHeap = new DeadlineHeap();
  private final SlidingWindowRateLimiter revokeLimiter;
  private final SlidingWindowRateLimiter checkpointLimiter;
  private boolean primary;

  public Lessor(LessorConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.table = new LeaseTable(config.minTtlSeconds());
    this.revokeLimiter = new SlidingWindowRateLimiter(config.maxRevokesPerSecond(), NS_PER_SECOND);
    this.checkpointLimiter =
        new SlidingWindowRateLimiter(config.maxCheckpointsPerSecond(), NS_PER_SECOND);
  }

  // ---------------------------------------------------------------- replicated (apply time)

  /**
   * Applies a LEASE_GRANT. The TTL is raised to the minimum; on the leader the lease expires at
   * {@code nowNs} + TTL, elsewhere never.
   *
   * @return the granted TTL in seconds
   * @throws io.etch.InvalidArgumentException for an id {@code <= 0}
   * @throws io.etch.LeaseTtlTooLargeException above {@link io.etch.lease.Lease#MAX_TTL_SECONDS}
   * @throws io.etch.LeaseExistsException for an id already granted
   */
  public long grant(long leaseId, long ttlSeconds, long nowNs) {
    LeaseEntry entry = table.grant(leaseId, ttlSeconds);
    if (primary) {
      refresh(entry, nowNs, 0);
      scheduleCheckpoint(entry, nowNs);
    }
    return entry.ttlSeconds;
  }

  /**
   * Applies a LEASE_REVOKE: forgets the lease and its attachments.
   *
   * @return the keys attached to it, in key order: the applier deletes them all in one revision
   * @throws LeaseNotFoundException for an unknown lease
   */
  public List<ByteSequence> revoke(long leaseId) {
    List<ByteSequence> keys = table.revoke(leaseId);
    expiryHeap.remove(leaseId);
    checkpointHeap.remove(leaseId);
    return keys;
  }

  /**
   * Checks that a put may attach a key to {@code leaseId} (0 = no lease); the applier calls it
   * before changing the store so a failing put changes nothing.
   *
   * @throws LeaseNotFoundException for an unknown lease
   */
  public void checkAttachable(long leaseId) {
    if (leaseId != 0) {
      table.require(leaseId);
    }
  }

  /**
   * Applies the lease part of a put: attaches {@code key} to {@code leaseId}, detaching it from its
   * previous lease; {@code leaseId} 0 only detaches. (A put with ignoreLease does not call this.)
   *
   * @throws LeaseNotFoundException for an unknown lease, with nothing changed
   */
  public void attach(ByteSequence key, long leaseId) {
    table.attach(key, leaseId);
  }

  /** Applies the lease part of a delete: the key no longer belongs to any lease. */
  public void detach(ByteSequence key) {
    table.detach(Objects.requireNonNull(key, "key"));
  }

  /** The lease {@code key} is attached to; 0 when none. */
  public long leaseOf(ByteSequence key) {
    return table.leaseOf(Objects.requireNonNull(key, "key"));
  }

  /**
   * Applies a LEASE_CHECKPOINT: records each lease's remaining TTL (0 clears it). Unknown ids are
   * skipped (the lease was revoked after the leader checkpointed it), as etcd does.
   */
  public void checkpoint(List<LeaseCheckpoint> checkpoints, long nowNs) {
    for (LeaseCheckpoint checkpoint : checkpoints) {
      LeaseEntry entry = table.get(checkpoint.leaseId());
      if (entry == null) {
        continue;
      }
      entry.remainingTtlMs = checkpoint.remainingTtlMs();
      if (primary) {
        scheduleCheckpoint(entry, nowNs);
      }
    }
  }

  /** The replicated state of a lease. */
  public Optional<LeaseInfo> lease(long leaseId) {
    LeaseEntry entry = table.get(leaseId);
    return entry == null ? Optional.empty() : Optional.of(entry.info());
  }

  /** Every lease id, ascending (replicated: any member can answer). */
  public long[] leases() {
    return table.ids();
  }

  public int size() {
    return table.size();
  }

  /** Writes the replicated state as a snapshot section ({@link LeaseSnapshotCodec}). */
  public void writeSnapshot(DataOutput out) throws IOException {
    LeaseSnapshotCodec.write(table.entries(), out);
  }

  /**
   * Empties the replicated state, as restoring a snapshot without a lease section does (the
   * bootstrap snapshot). Only a non-leader does this.
   */
  public void restoreEmpty() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      LeaseSnapshotCodec.write(List.of(), out);
      readSnapshot(
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Replaces the replicated state with a snapshot section. Only a non-leader installs snapshots.
   * The section is read whole before anything is replaced, so a failure leaves the lessor as it
   * was.
   *
   * @throws io.etch.DecodingException for a malformed section
   * @throws IllegalStateException on a promoted lessor
   */
  public void readSnapshot(DataInput in) throws IOException {
    if (primary) {
      throw new IllegalStateException(
          "the leader's lessor does not install snapshots; demote first");
    }
    List<LeaseEntry> entries =
        LeaseSnapshotCodec.read(in, config.minTtlSeconds(), config.maxKeyBytes());
    table.clear();
    for (LeaseEntry entry : entries) {
      table.restore(entry);
    }
  }

  // ---------------------------------------------------------------- leader only (volatile)

  /** Whether this lessor is the leader's (promoted). */
  public boolean isPrimary() {
    return primary;
  }

  /**
   * Becomes the leader's lessor: every lease expires at {@code nowNs} + extension + (checkpointed
   * remaining TTL, else TTL), with pile-ups spread as the class comment says.
   */
  public void promote(long nowNs) {
    primary = true;
    expiryHeap.clear();
    checkpointHeap.clear();
    revokeLimiter.reset();
    checkpointLimiter.reset();
    List<LeaseEntry> entries = table.entries();
    for (LeaseEntry entry : entries) {
      refresh(entry, nowNs, config.promoteExtensionNs());
      scheduleCheckpoint(entry, nowNs);
    }
    if (entries.size() >= config.maxRevokesPerSecond()) {
      spreadPileUps(entries, nowNs);
    }
  }

  private void spreadPileUps(List<LeaseEntry> entries, long nowNs) {
    List<LeaseEntry> byExpiry = new ArrayList<>(entries);
    byExpiry.sort(
        Comparator.<LeaseEntry>comparingLong(e -> e.expiryNs).thenComparingLong(e -> e.id));
    long targetPerSecond = Math.max(1, (3L * config.maxRevokesPerSecond()) / 4);
    long baseWindowNs = byExpiry.get(0).expiryNs - nowNs;
    long nextWindowNs = saturatingAdd(baseWindowNs, NS_PER_SECOND);
    long expires = 0;
    for (LeaseEntry entry : byExpiry) {
      long remainingNs = entry.expiryNs - nowNs;
      if (remainingNs > nextWindowNs) {
        baseWindowNs = remainingNs;
        nextWindowNs = saturatingAdd(baseWindowNs, NS_PER_SECOND);
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetPerSecond) {
        continue;
      }
      long delayNs =
          (long) ((double) NS_PER_SECOND * expires / targetPerSecond)
              - (remainingNs - baseWindowNs);
      delayNs = Math.max(0, delayNs);
      nextWindowNs = saturatingAdd(baseWindowNs, delayNs);
      refresh(entry, nowNs, saturatingAdd(delayNs, config.promoteExtensionNs()));
    }
  }

  /** Stops being the leader's lessor: every lease lives forever here until promoted again. */
  public void demote() {
    primary = false;
    for (LeaseEntry entry : table.entries()) {
      entry.expiryNs = LeaseEntry.FOREVER;
    }
    expiryHeap.clear();
    checkpointHeap.clear();
    revokeLimiter.reset();
    checkpointLimiter.reset();
  }

  /**
   * A keep-alive: the lease now expires at {@code nowNs} + TTL.
   *
   * <p>A lease past its expiry whose revoke is pending is not renewed: it answers {@code
   * LeaseNotFoundException} at once (etcd waits for the revoke to apply, then answers the same).
   * Should leadership move before the revoke applies, the next leader restarts that lease; the
   * client, told it is gone, stops renewing it — the safe direction.
   *
   * @throws NotPrimaryException when not promoted (the node forwards to the leader)
   * @throws LeaseNotFoundException for an unknown or expired lease
   */
  public LeaseRenewal renew(long leaseId, long nowNs) {
    requirePrimary("renew", leaseId);
    LeaseEntry entry = table.require(leaseId);
    if (entry.expiryNs <= nowNs) {
      throw new LeaseNotFoundException(leaseId);
    }
    boolean clearCheckpoint = config.checkpointing() && entry.remainingTtlMs > 0;
    refresh(entry, nowNs, 0);
    return new LeaseRenewal(leaseId, entry.ttlSeconds, clearCheckpoint);
  }

  /**
   * Up to {@code maxCount} leases whose expiry is at or before {@code nowNs}, earliest first (ties
   * by id), within the revoke rate limit; empty when not promoted. The node proposes a LEASE_REVOKE
   * for each. Each lease handed out is handed out again after {@code expiredRetryNs} unless its
   * revoke is applied first.
   */
  public long[] expired(long nowNs, int maxCount) {
    if (maxCount < 0) {
      throw new IllegalArgumentException("maxCount must be >= 0, got " + maxCount);
    }
    if (!primary) {
      return new long[0];
    }
    LongArrayList out = new LongArrayList();
    while (out.size() < maxCount
        && !expiryHeap.isEmpty()
        && expiryHeap.peekDeadline() <= nowNs
        && revokeLimiter.tryAcquire(nowNs)) {
      long id = expiryHeap.peekId();
      out.addLong(id);
      expiryHeap.upsert(id, saturatingAdd(nowNs, config.expiredRetryNs()));
    }
    return out.toLongArray();
  }

  /**
   * Up to {@code maxCount} checkpoints due at {@code nowNs}, within the checkpoint rate limit;
   * empty when not promoted or checkpointing is off. A lease is checkpointed every {@code
   * checkpointIntervalNs} while its remaining TTL is longer than the interval and shorter than its
   * TTL. The node proposes them as one LEASE_CHECKPOINT.
   */
  public List<LeaseCheckpoint> checkpointsDue(long nowNs, int maxCount) {
    if (maxCount < 0) {
      throw new IllegalArgumentException("maxCount must be >= 0, got " + maxCount);
    }
    List<LeaseCheckpoint> out = new ArrayList<>();
    if (!primary || !config.checkpointing()) {
      return out;
    }
    while (out.size() < maxCount
        && !checkpointHeap.isEmpty()
        && checkpointHeap.peekDeadline() <= nowNs) {
      long id = checkpointHeap.peekId();
      LeaseEntry entry = table.get(id);
      if (entry == null) {
        throw new IllegalStateException(
            "lease " + Long.toHexString(id) + " is scheduled for a checkpoint but not granted");
      }
      if (entry.expiryNs <= nowNs) {
        checkpointHeap.remove(id);
        continue;
      }
      long remainingMs = ceilDiv(entry.expiryNs - nowNs, NS_PER_MS);
      if (remainingMs >= entry.ttlSeconds * 1000L) {
        checkpointHeap.upsert(id, saturatingAdd(nowNs, config.checkpointIntervalNs()));
        continue;
      }
      if (!checkpointLimiter.tryAcquire(nowNs)) {
        break;
      }
      out.add(new LeaseCheckpoint(id, remainingMs));
      checkpointHeap.upsert(id, saturatingAdd(nowNs, config.checkpointIntervalNs()));
    }
    return out;
  }

  /**
   * A lease's remaining TTL, computed from the leader's expiry (followers forward this call, as in
   * etcd, since only the leader knows expiries). An unknown lease answers {@link
   * LeaseTimeToLive#exists() exists()} false (TTL -1), as etcd does; an expired lease awaiting its
   * revoke answers 0.
   *
   * @throws NotPrimaryException when not promoted
   */
  public LeaseTimeToLive timeToLive(long leaseId, long nowNs, boolean withKeys) {
    requirePrimary("timeToLive", leaseId);
    LeaseEntry entry = table.get(leaseId);
    if (entry == null) {
      return LeaseTimeToLive.notFound(leaseId);
    }
    long remainingSeconds = Math.max(0, entry.expiryNs - nowNs) / NS_PER_SECOND;
    List<ByteSequence> keys = withKeys ? entry.keys.stream().toList() : List.of();
    return new LeaseTimeToLive(leaseId, remainingSeconds, entry.ttlSeconds, keys);
  }

  /**
   * A lease id for a grant that asked for 0: the next id of the member's generator that is not a
   * live lease. Another member's pending grant may still take it first; the grant then fails with
   * {@code LeaseExistsException} at apply and the node picks again.
   */
  public long pickLeaseId(RequestIdGenerator ids) {
    long id;
    do {
      id = ids.nextLeaseId();
    } while (table.get(id) != null);
    return id;
  }

  // ---------------------------------------------------------------- internals

  private void refresh(LeaseEntry entry, long nowNs, long extensionNs) {
    entry.expiryNs = saturatingAdd(nowNs, saturatingAdd(extensionNs, entry.restartTtlNs()));
    expiryHeap.upsert(entry.id, entry.expiryNs);
  }

  private void scheduleCheckpoint(LeaseEntry entry, long nowNs) {
    if (config.checkpointing() && entry.restartTtlNs() > config.checkpointIntervalNs()) {
      checkpointHeap.upsert(entry.id, saturatingAdd(nowNs, config.checkpointIntervalNs()));
    }
  }

  private void requirePrimary(String operation, long leaseId) {
    if (!primary) {
      throw new NotPrimaryException(operation, leaseId);
    }
  }

  static long secondsToNs(long seconds) {
    return seconds > Long.MAX_VALUE / NS_PER_SECOND ? Long.MAX_VALUE : seconds * NS_PER_SECOND;
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  private static long ceilDiv(long value, long divisor) {
    return -Math.floorDiv(-value, divisor);
  }
}
