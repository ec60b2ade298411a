package io.etch.raft;

import io.etch.raft.tracker.ProgressState;

/** The leader's view of one member's replication, as reported by {@link RawNode#status()}. */
public record ProgressStatus(
    long match,
    long next,
    ProgressState state,
    boolean learner,
    boolean recentActive,
    int inflightMsgs,
    long inflightBytes) {}
