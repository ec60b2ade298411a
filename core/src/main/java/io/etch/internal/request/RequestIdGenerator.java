package io.etch.internal.request;

/**
 * Hands out ids unique to one member across its restarts, after etcd's {@code idutil.Generator}.
 *
 * <pre>
 *  63            48 47                                      8 7        0
 *  +---------------+-----------------------------------------+----------+
 *  | member (16 b) |  milliseconds at start (40 b), then +1 per id ... |
 *  +---------------+-----------------------------------------+----------+
 * </pre>
 *
 * The low 48 bits start at {@code (wallMillis << 8)} and count up by one per id, wrapping within
 * the 48 bits. A restarted member starts from a later millisecond, so it continues above every id
 * of its previous run as long as it issued fewer than 256 ids per millisecond of uptime on average.
 * The top 16 bits are the low 16 bits of the member id.
 *
 * <p><b>Uniqueness across members.</b> Member ids are hashes, so two members may share their low 16
 * bits; the id alone is therefore unique per member only. A request is identified by the pair
 * (origin member id, request id) ({@link RequestHeader}), which never collides. A lease id is a
 * bare number chosen by the leader ({@link #nextLeaseId()}: the id with its sign bit cleared, never
 * 0); a clash with a live lease of another leader's making is caught deterministically at apply
 * time ({@code LeaseExistsException}) and the node retries with the next id.
 *
 * <p>Not thread-safe; owned by the node's owner thread. The clock value is injected.
 */
public final class RequestIdGenerator {
  private static final int SUFFIX_BITS = 48;
  private static final long SUFFIX_MASK = (1L << SUFFIX_BITS) - 1;
  private static final long MILLIS_MASK = (1L << 40) - 1;

  private final long prefix;
  private long suffix;

  /**
   * @param memberId this member's id
   * @param wallMillis the wall clock at start, in milliseconds since the epoch
   */
  public RequestIdGenerator(long memberId, long wallMillis) {
    this.prefix = (memberId & 0xFFFFL) << SUFFIX_BITS;
    this.suffix = (wallMillis & MILLIS_MASK) << 8;
  }

  /** The next request id. */
  public long next() {
    suffix = (suffix + 1) & SUFFIX_MASK;
    return prefix | suffix;
  }

  /** The next candidate lease id: positive, never 0 (etcd clears the sign bit the same way). */
  public long nextLeaseId() {
    long id;
    do {
      id = next() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }
}
