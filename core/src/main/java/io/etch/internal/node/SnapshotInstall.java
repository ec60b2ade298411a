package io.etch.internal.node;

import java.io.InputStream;

/**
 * A snapshot the owner thread installed in the Raft log: the applier restores the store from {@code
 * stateMachine} (and closes it) before applying the entries after {@code index}.
 */
record SnapshotInstall(long index, InputStream stateMachine) {}
