package io.etch.maintenance;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/**
 * One member's status (etcd's StatusResponse).
 *
 * @param memberId this member
 * @param leaderId the member this one believes leads; 0 when it knows no leader
 * @param raftTerm its current Raft term
 * @param revision its store revision
 * @param raftIndex its Raft commit index
 * @param appliedIndex the last log index it applied; {@code raftIndex - appliedIndex} is the apply
 *     lag
 * @param dbSizeBytes the storage size allocated
 * @param dbSizeInUseBytes the storage size holding live data (what compaction frees)
 * @param quotaBytes the configured quota
 * @param learner whether this member is a learner
 * @param alarms the alarms raised cluster-wide
 */
public record StatusResponse(
    Header header,
    long memberId,
    long leaderId,
    long raftTerm,
    long revision,
    long raftIndex,
    long appliedIndex,
    long dbSizeBytes,
    long dbSizeInUseBytes,
    long quotaBytes,
    boolean learner,
    List<AlarmMember> alarms) {
  public StatusResponse {
    Objects.requireNonNull(header, "header");
    alarms = List.copyOf(alarms);
  }

  /** Whether this member believes it leads. */
  public boolean isLeader() {
    return leaderId != 0 && leaderId == memberId;
  }
}
