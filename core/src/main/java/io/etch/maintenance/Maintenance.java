package io.etch.maintenance;

import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Maintenance of one member (etcd's Maintenance service). Futures complete on the node's callback
 * executor; failures are {@link io.etch.EtchException}s.
 */
public interface Maintenance {
  /** This member's status; served locally, works without a leader. */
  CompletableFuture<StatusResponse> status();

  /**
   * A hash of every key-value version up to {@code revision} (0 means the current revision), so
   * members can be checked for identical data: members that applied the same log have equal hashes
   * at the same revision. Fails with {@code CompactedException} below the compaction revision and
   * {@code FutureRevisionException} above the current revision.
   */
  CompletableFuture<HashKvResponse> hashKv(long revision);

  /**
   * Streams a consistent point-in-time backup of the whole store to {@code out}, with a trailing
   * checksum, without stopping writes. The stream is not closed. The backup restores into a fresh
   * cluster with {@link SnapshotRestore} (the equivalent of {@code etcdutl snapshot restore}); a
   * corrupt backup is refused with {@code CorruptBackupException}.
   *
   * <p>The backup is self-describing and versioned: a header (magic, format version, revision,
   * compaction revision, applied index, source cluster and member), the store with every retained
   * version and the replicated state kept beside it (alarms, the request dedup table, ...), and a
   * trailer with a CRC32C of everything before it. The point is taken between two applied entries;
   * the bytes are then written on the callback executor from that immutable view while the member
   * goes on applying writes. {@code header().revision()} of the response is the revision captured.
   * Fails with {@code UncheckedIOException} when {@code out} fails.
   */
  CompletableFuture<SnapshotResponse> snapshot(OutputStream out);

  /**
   * Whether this member is healthy: it has a leader, no alarm is raised, its apply lag is small.
   */
  CompletableFuture<HealthResponse> health();

  /** The raised alarms, cluster-wide. */
  CompletableFuture<AlarmResponse> listAlarms();

  /**
   * Disarms an alarm, through Raft. Disarm NOSPACE only after freeing space (compaction); if the
   * data is still above quota it is raised again at the next write.
   */
  CompletableFuture<AlarmResponse> disarmAlarm(AlarmMember alarm);

  /**
   * A snapshot of this member's metrics, read without blocking; works with or without Micrometer on
   * the classpath.
   */
  MetricsSnapshot metrics();
}
