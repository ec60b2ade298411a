package io.etch.raft;

import java.util.Map;

/**
 * A point-in-time view of a member.
 *
 * @param progress per-member replication progress; non-empty only on the leader
 */
public record Status(
    long id,
    long term,
    long vote,
    long commit,
    long applied,
    long lead,
    StateRole role,
    long leadTransferee,
    ConfState confState,
    Map<Long, ProgressStatus> progress) {}
