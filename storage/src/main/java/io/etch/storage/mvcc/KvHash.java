package io.etch.storage.mvcc;

/**
 * Result of {@link MvccView#hashKv(long)}.
 *
 * @param hash CRC32C over all versions up to {@code revision} (see hashKv for what is skipped)
 * @param compactRevision the compacted revision the hash was taken under
 * @param revision the revision hashed up to
 */
public record KvHash(int hash, long compactRevision, long revision) {}
