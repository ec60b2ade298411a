package io.etch.internal.backup;

/**
 * What a backup's header says about where it came from.
 *
 * @param revision the store revision it captures
 * @param compactedRevision the store's compaction revision then
 * @param appliedIndex the source member's applied Raft index then
 * @param clusterId the source cluster
 * @param memberId the source member
 * @param takenAtMillis wall-clock time it was taken (display only)
 */
public record BackupHeader(
    long revision,
    long compactedRevision,
    long appliedIndex,
    long clusterId,
    long memberId,
    long takenAtMillis) {}
