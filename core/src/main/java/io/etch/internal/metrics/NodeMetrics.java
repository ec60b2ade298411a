package io.etch.internal.metrics;

import io.etch.Clock;
import io.etch.maintenance.LatencySummary;
import io.etch.maintenance.MetricsSnapshot.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's operational numbers and the log lines that go with them: the node's threads call it
 * at the few points where something worth counting or timing happens (one call each), it records
 * without locks or allocation, and {@code maintenance().metrics()} reads it.
 *
 * <h2>What is recorded, by whom</h2>
 *
 * <ul>
 *   <li>the raft owner thread: WAL persist-and-sync of each Ready that must sync (warned above
 *       {@link #SLOW_WAL_SYNC_NS}, as etcd warns "slow fdatasync" above 1 s), snapshot writes
 *       (logged at INFO with index, size and duration), leader changes and membership changes
 *       (INFO), and, once per tick, a check of the transport's dropped-message counters (one WARN
 *       per {@link #DROP_REPORT_INTERVAL_NS} at most, with the count since the last one);
 *   <li>the applier: the time to apply each entry (warned above {@link #SLOW_APPLY_NS}, etcd's 100
 *       ms "apply request took too long");
 *   <li>any thread completing a client request: its latency by {@link Operation}, and whether it
 *       failed.
 * </ul>
 *
 * <p>Counts are since the node started. Nothing here is static: every member has its own.
 */
public final class NodeMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);

  /** etcd warns about a WAL fdatasync slower than 1 s. */
  public static final long SLOW_WAL_SYNC_NS = TimeUnit.SECONDS.toNanos(1);

  /** etcd warns about applying a request for longer than 100 ms. */
  public static final long SLOW_APPLY_NS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Dropped peer messages are reported at most once per this interval. */
  public static final long DROP_REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

  private static final Operation[] OPERATIONS = Operation.values();

  private final String memberName;
  private final Clock clock;
  private final LongSupplier droppedMessages;
  private final LatencyHistogram walSync = new LatencyHistogram();
  private final LatencyHistogram snapshotSave = new LatencyHistogram();
  private final LatencyHistogram apply = new LatencyHistogram();
  private final LatencyHistogram[] requests = new LatencyHistogram[OPERATIONS.length];
  private final LongAdder failedRequests = new LongAdder();
  private final LongAdder slowApplies = new LongAdder();
  private final LongAdder slowWalSyncs = new LongAdder();

  // owner thread only
  private long nextDropCheckNs;
  private long droppedReported;

  /**
   * @param droppedMessages peer messages dropped so far (the transport's counters, both ways); read
   *     on the owner thread at most once per {@link #DROP_REPORT_INTERVAL_NS}
   */
  public NodeMetrics(String memberName, Clock clock, LongSupplier droppedMessages) {
    this.memberName = memberName;
    this.clock = clock;
    this.droppedMessages = droppedMessages;
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new LatencyHistogram();
    }
    this.nextDropCheckNs = clock.nanoTime() + DROP_REPORT_INTERVAL_NS;
  }

  /** The node's clock, for timing the events reported here. */
  public long nowNs() {
    return clock.nanoTime();
  }

  // ---------------------------------------------------------------- owner thread

  /** A Ready's entries and hard state were appended and synced in {@code nanos}. */
  public void walSynced(long nanos) {
    walSync.record(nanos);
    if (nanos > SLOW_WAL_SYNC_NS) {
      slowWalSyncs.increment();
      LOG.warn(
          "member {}: slow WAL sync: took {} ms, expected under {} ms (disk too slow or busy?)",
          memberName,
          TimeUnit.NANOSECONDS.toMillis(nanos),
          TimeUnit.NANOSECONDS.toMillis(SLOW_WAL_SYNC_NS));
    }
  }

  /**
   * A snapshot of the state machine at {@code index} was written to {@code file} in {@code nanos}.
   */
  public void snapshotSaved(long index, long nanos, Path file) {
    snapshotSave.record(nanos);
    long bytes = -1;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      LOG.debug("member {}: cannot size snapshot file {}", memberName, file, e);
    }
    LOG.info(
        "member {}: saved snapshot at index {}: {} bytes in {} ms",
        memberName,
        index,
        bytes,
        TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  /** The leader this member knows changed from {@code previous} to {@code leader} (0: none). */
  public void leaderChanged(long previous, long leader, long term) {
    if (leader == 0) {
      LOG.info(
          "member {}: lost leader {} at term {}", memberName, Long.toHexString(previous), term);
    } else {
      LOG.info(
          "member {}: leader is {} at term {} (was {})",
          memberName,
          Long.toHexString(leader),
          term,
          previous == 0 ? "none" : Long.toHexString(previous));
    }
  }

  /** A membership change was applied: the Raft ids of the voters and learners now. */
  public void membershipChanged(long index, long[] voters, long[] learners) {
    LOG.info(
        "member {}: membership changed at index {}: voters {}, learners {}",
        memberName,
        index,
        hex(voters),
        hex(learners));
  }

  /** Owner thread, each tick: reports peer messages dropped since the last report, rate-limited. */
  public void onTick(long nowNs) {
    if (nowNs - nextDropCheckNs < 0) {
      return;
    }
    nextDropCheckNs = nowNs + DROP_REPORT_INTERVAL_NS;
    long dropped = droppedMessages.getAsLong();
    if (dropped > droppedReported) {
      LOG.warn(
          "member {}: dropped {} peer messages in the last {} s (full queues or an overloaded"
              + " member); {} since start",
          memberName,
          dropped - droppedReported,
          TimeUnit.NANOSECONDS.toSeconds(DROP_REPORT_INTERVAL_NS),
          dropped);
      droppedReported = dropped;
    }
  }

  // ---------------------------------------------------------------- applier

  /** Applying the entry at {@code index} took {@code nanos}. */
  public void applied(long index, long nanos) {
    apply.record(nanos);
    if (nanos > SLOW_APPLY_NS) {
      slowApplies.increment();
      LOG.warn(
          "member {}: applying entry {} took {} ms, expected under {} ms",
          memberName,
          index,
          TimeUnit.NANOSECONDS.toMillis(nanos),
          TimeUnit.NANOSECONDS.toMillis(SLOW_APPLY_NS));
    }
  }

  // ---------------------------------------------------------------- any thread

  /**
   * A client request of kind {@code operation} (the node's operation names: put, get, delete, txn,
   * compact, alarm, lease...) that started at {@code startNs} completed; {@code failed} when with
   * an error.
   */
  public void requestDone(String operation, long startNs, boolean failed) {
    if (failed) {
      failedRequests.increment();
    }
    Operation op = operationOf(operation);
    if (op != null) {
      requests[op.ordinal()].record(clock.nanoTime() - startNs);
    }
  }

  static Operation operationOf(String operation) {
    return switch (operation) {
      case "get", "range" -> Operation.RANGE;
      case "put" -> Operation.PUT;
      case "delete", "deleteRange" -> Operation.DELETE_RANGE;
      case "txn" -> Operation.TXN;
      case "compact" -> Operation.COMPACT;
      case "leaseGrant", "lease-grant", "grant" -> Operation.LEASE_GRANT;
      case "leaseRevoke", "lease-revoke", "revoke" -> Operation.LEASE_REVOKE;
      case "leaseKeepAlive", "lease-keepalive", "keepAlive" -> Operation.LEASE_KEEP_ALIVE;
      case "memberAdd", "memberRemove", "memberPromote", "memberUpdate", "member" ->
          Operation.MEMBER_CHANGE;
      default -> null;
    };
  }

  // ---------------------------------------------------------------- readers

  public LatencySummary walSync() {
    return walSync.summary();
  }

  public LatencySummary snapshotSave() {
    return snapshotSave.summary();
  }

  public LatencySummary apply() {
    return apply.summary();
  }

  public long failedRequests() {
    return failedRequests.sum();
  }

  public long slowApplies() {
    return slowApplies.sum();
  }

  public long slowWalSyncs() {
    return slowWalSyncs.sum();
  }

  /** Latency by operation, for the operations that had at least one request. */
  public Map<Operation, LatencySummary> requestLatency() {
    Map<Operation, LatencySummary> out = new EnumMap<>(Operation.class);
    for (Operation op : OPERATIONS) {
      LatencyHistogram h = requests[op.ordinal()];
      if (h.count() > 0) {
        out.put(op, h.summary());
      }
    }
    return out;
  }

  private static String hex(long[] ids) {
    return Arrays.stream(ids).mapToObj(Long::toHexString).toList().toString();
  }
}
