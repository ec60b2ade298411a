package io.etch.storage.mvcc;

/**
 * The result of {@link MvccStore#restore}: the store and the caller's opaque sections.
 *
 * @param store the restored store (compacted revision and revision as in the snapshot)
 * @param appliedIndex the applied index given to {@link MvccView#writeSnapshot}
 * @param extra the extra bytes given to {@link MvccView#writeSnapshot}
 */
public record RestoredStore(MvccStore store, long appliedIndex, byte[] extra) {}
