package io.etch.raft;

/**
 * Volatile state worth telling the node about but never persisted: who leads and our role.
 *
 * @param lead the leader's id, or {@link Message#NONE}
 * @param role this member's role
 */
public record SoftState(long lead, StateRole role) {}
