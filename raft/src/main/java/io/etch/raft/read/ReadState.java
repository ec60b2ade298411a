package io.etch.raft.read;

/**
 * A linearizable read is safe once the local state machine has applied {@code index}: the answer to
 * the read-index request identified by {@code requestContext}.
 */
public record ReadState(long index, byte[] requestContext) {}
