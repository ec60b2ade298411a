package io.etch.maintenance;

import io.etch.kv.Header;
import java.util.Objects;

/**
 * A hash of the store's key-value versions.
 *
 * @param hash the hash (Etch's own, stable across releases; not etcd's CRC-32)
 * @param compactRevision the compaction revision when the hash was computed: compare hashes only
 *     between members with the same compaction revision
 * @param hashRevision the revision up to which versions were hashed
 */
public record HashKvResponse(Header header, long hash, long compactRevision, long hashRevision) {
  public HashKvResponse {
    Objects.requireNonNull(header, "header");
  }
}
