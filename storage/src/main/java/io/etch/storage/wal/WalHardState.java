package io.etch.storage.wal;

/** The consensus hard state as stored: current term, vote (0 = none) and commit index. */
public record WalHardState(long term, long vote, long commit) {}
