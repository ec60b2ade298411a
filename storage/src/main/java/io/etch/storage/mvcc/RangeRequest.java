package io.etch.storage.mvcc;

/**
 * etcd's {@code RangeRequest} (without {@code serializable}, which is a concern of the server, not
 * of the store). Build with {@link #builder(byte[])} or the shortcuts.
 *
 * @param key first key (non-empty; {@code "\0"} with range end {@code "\0"} means all keys)
 * @param rangeEnd empty: the key alone; {@code "\0"}: every key >= key; else exclusive end
 * @param limit most kvs returned, 0 for no limit
 * @param revision revision to read at, 0 (or negative) for the current one
 * @param sortOrder result order
 * @param sortTarget field sorted by
 * @param keysOnly return keys without values
 * @param countOnly return only the count
 * @param minModRevision drop kvs with a lower mod revision (0: no filter)
 * @param maxModRevision drop kvs with a higher mod revision (0: no filter)
 * @param minCreateRevision drop kvs with a lower create revision (0: no filter)
 * @param maxCreateRevision drop kvs with a higher create revision (0: no filter)
 */
public record RangeRequest(
    byte[] key,
    byte[] rangeEnd,
    long limit,
    long revision,
    SortOrder sortOrder,
    SortTarget sortTarget,
    boolean keysOnly,
    boolean countOnly,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision)
    implements RequestOp {

  public RangeRequest {
    rangeEnd = rangeEnd == null ? KeyValue.EMPTY : rangeEnd;
    sortOrder = sortOrder == null ? SortOrder.NONE : sortOrder;
    sortTarget = sortTarget == null ? SortTarget.KEY : sortTarget;
  }

  /** Reads one key at the current revision. */
  public static RangeRequest get(byte[] key) {
    return builder(key).build();
  }

  /** Reads {@code [key, rangeEnd)} at the current revision. */
  public static RangeRequest range(byte[] key, byte[] rangeEnd) {
    return builder(key).rangeEnd(rangeEnd).build();
  }

  /** Reads every key with the prefix at the current revision. */
  public static RangeRequest prefix(byte[] prefix) {
    return builder(prefix).rangeEnd(Keys.prefixEnd(prefix)).build();
  }

  public static Builder builder(byte[] key) {
    return new Builder(key);
  }

  /** A builder starting from this request. */
  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.rangeEnd = rangeEnd;
    b.limit = limit;
    b.revision = revision;
    b.sortOrder = sortOrder;
    b.sortTarget = sortTarget;
    b.keysOnly = keysOnly;
    b.countOnly = countOnly;
    b.minModRevision = minModRevision;
    b.maxModRevision = maxModRevision;
    b.minCreateRevision = minCreateRevision;
    b.maxCreateRevision = maxCreateRevision;
    return b;
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.range(this);
  }

  /** Builder of {@link RangeRequest}; validation happens when the store serves the request. */
  public static final class Builder {
    private final byte[] key;
    private byte[] rangeEnd = KeyValue.EMPTY;
    private long limit;
    private long revision;
    private SortOrder sortOrder = SortOrder.NONE;
    private SortTarget sortTarget = SortTarget.KEY;
    private boolean keysOnly;
    private boolean countOnly;
    private long minModRevision;
    private long maxModRevision;
    private long minCreateRevision;
    private long maxCreateRevision;

    private Builder(byte[] key) {
      this.key = key;
    }

    public Builder rangeEnd(byte[] end) {
      this.rangeEnd = end;
      return this;
    }

    public Builder limit(long n) {
      this.limit = n;
      return this;
    }

    public Builder revision(long rev) {
      this.revision = rev;
      return this;
    }

    public Builder sort(SortOrder order, SortTarget target) {
      this.sortOrder = order;
      this.sortTarget = target;
      return this;
    }

    public Builder keysOnly(boolean on) {
      this.keysOnly = on;
      return this;
    }

    public Builder countOnly(boolean on) {
      this.countOnly = on;
      return this;
    }

    public Builder modRevisions(long min, long max) {
      this.minModRevision = min;
      this.maxModRevision = max;
      return this;
    }

    public Builder createRevisions(long min, long max) {
      this.minCreateRevision = min;
      this.maxCreateRevision = max;
      return this;
    }

    public RangeRequest build() {
      return new RangeRequest(
          key,
          rangeEnd,
          limit,
          revision,
          sortOrder,
          sortTarget,
          keysOnly,
          countOnly,
          minModRevision,
          maxModRevision,
          minCreateRevision,
          maxCreateRevision);
    }
  }
}
