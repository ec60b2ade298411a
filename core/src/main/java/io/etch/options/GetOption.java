package io.etch.options;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a get (etcd's Range request).
 *
 * <ul>
 *   <li><b>Range</b>: one key by default; {@link Builder#withRange(ByteSequence)
 *       withRange(endKey)}, {@link Builder#isPrefix(boolean) isPrefix} or {@link
 *       Builder#withFromKey(boolean) withFromKey} select a range (see {@link KeyRange}).
 *   <li><b>revision</b>: the point in time to read at; 0 (default) means the latest revision. A
 *       revision below the compaction revision fails with {@code CompactedException}, one above the
 *       current revision with {@code FutureRevisionException}.
 *   <li><b>limit</b>: the most key-values returned; 0 (default) means no limit. {@code
 *       GetResponse.more()} tells whether the limit cut the result.
 *   <li><b>count</b>: the response's {@code count} is the number of keys in the range at the read
 *       revision, unaffected by {@code limit} and by the min/max revision filters (etcd's rule).
 *   <li><b>sort</b>: {@code sortOrder} NONE (default: key order, ascending), ASCEND or DESCEND by
 *       {@code sortField} (KEY, VERSION, CREATE, MOD, VALUE). As in etcd, a sort field other than
 *       KEY with order NONE sorts ASCEND. The limit applies after sorting.
 *   <li><b>serializable</b>: read this member's local state without a ReadIndex round to the
 *       leader. Faster, and works without a leader, but may be stale (it can miss writes already
 *       acknowledged to other clients). Reads are linearizable by default.
 *   <li><b>keysOnly</b>: return keys and metadata with empty values. <b>countOnly</b>: return no
 *       key-values, only {@code count}; since count ignores limit, sort, keysOnly and the revision
 *       filters, combining them with countOnly is rejected rather than silently ignored.
 *   <li><b>min/max mod/create revision</b>: drop keys whose mod (create) revision is below the min
 *       or above the max; 0 means no bound.
 * </ul>
 */
public final class GetOption {
  /** Sort direction. */
  public enum SortOrder {
    /** No sorting requested: key order, ascending (unless the sort field is not KEY). */
    NONE,
    /** Lowest value of the sort field first. */
    ASCEND,
    /** Highest value of the sort field first. */
    DESCEND
  }

  /** The key-value field to sort by. */
  public enum SortTarget {
    KEY,
    VERSION,
    CREATE,
    MOD,
    VALUE
  }

  /** Everything default: one key, latest revision, linearizable, no limit. */
  public static final GetOption DEFAULT = builder().build();

  private final ByteSequence endKey;
  private final boolean prefix;
  private final boolean fromKey;
  private final long limit;
  private final long revision;
  private final SortOrder sortOrder;
  private final SortTarget sortTarget;
  private final boolean serializable;
  private final boolean keysOnly;
  private final boolean countOnly;
  private final long minModRevision;
  private final long maxModRevision;
  private final long minCreateRevision;
  private final long maxCreateRevision;

  private GetOption(Builder b) {
    this.endKey = b.endKey;
    this.prefix = b.prefix;
    this.fromKey = b.fromKey;
    this.limit = b.limit;
    this.revision = b.revision;
    this.sortOrder = b.sortOrder;
    this.sortTarget = b.sortTarget;
    this.serializable = b.serializable;
    this.keysOnly = b.keysOnly;
    this.countOnly = b.countOnly;
    this.minModRevision = b.minModRevision;
    this.maxModRevision = b.maxModRevision;
    this.minCreateRevision = b.minCreateRevision;
    this.maxCreateRevision = b.maxCreateRevision;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this option's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endKey = endKey;
    b.prefix = prefix;
    b.fromKey = fromKey;
    b.limit = limit;
    b.revision = revision;
    b.sortOrder = sortOrder;
    b.sortTarget = sortTarget;
    b.serializable = serializable;
    b.keysOnly = keysOnly;
    b.countOnly = countOnly;
    b.minModRevision = minModRevision;
    b.maxModRevision = maxModRevision;
    b.minCreateRevision = minCreateRevision;
    b.maxCreateRevision = maxCreateRevision;
    return b;
  }

  /** The keys this option selects for {@code key}. */
  public KeyRange range(ByteSequence key) {
    return KeyRange.select(key, endKey, prefix, fromKey);
  }

  public Optional<ByteSequence> endKey() {
    return Optional.ofNullable(endKey);
  }

  public boolean isPrefix() {
    return prefix;
  }

  public boolean isFromKey() {
    return fromKey;
  }

  /** The most key-values to return; 0 means no limit. */
  public long limit() {
    return limit;
  }

  /** The revision to read at; 0 means the latest. */
  public long revision() {
    return revision;
  }

  public SortOrder sortOrder() {
    return sortOrder;
  }

  public SortTarget sortField() {
    return sortTarget;
  }

  /**
   * The order the node actually applies: {@link #sortOrder()}, except that a sort field other than
   * KEY with order NONE means ASCEND (etcd's rule).
   */
  public SortOrder effectiveSortOrder() {
    return sortOrder == SortOrder.NONE && sortTarget != SortTarget.KEY
        ? SortOrder.ASCEND
        : sortOrder;
  }

  public boolean isSerializable() {
    return serializable;
  }

  public boolean isKeysOnly() {
    return keysOnly;
  }

  public boolean isCountOnly() {
    return countOnly;
  }

  /** Lower bound on mod revision; 0 means none. */
  public long minModRevision() {
    return minModRevision;
  }

  /** Upper bound on mod revision; 0 means none. */
  public long maxModRevision() {
    return maxModRevision;
  }

  /** Lower bound on create revision; 0 means none. */
  public long minCreateRevision() {
    return minCreateRevision;
  }

  /** Upper bound on create revision; 0 means none. */
  public long maxCreateRevision() {
    return maxCreateRevision;
  }

  /** Builds a {@link GetOption}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private ByteSequence endKey;
    private boolean prefix;
    private boolean fromKey;
    private long limit;
    private long revision;
    private SortOrder sortOrder = SortOrder.NONE;
    private SortTarget sortTarget = SortTarget.KEY;
    private boolean serializable;
    private boolean keysOnly;
    private boolean countOnly;
    private long minModRevision;
    private long maxModRevision;
    private long minCreateRevision;
    private long maxCreateRevision;

    private Builder() {}

    /** Read {@code [key, endKey)}; {@code "\0"} means every key {@code >= key}. */
    public Builder withRange(ByteSequence endKey) {
      this.endKey = Objects.requireNonNull(endKey, "endKey");
      return this;
    }

    /** Read every key that starts with the request's key (an empty key means every key). */
    public Builder isPrefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Read every key {@code >=} the request's key (etcd's range end {@code "\0"}). */
    public Builder withFromKey(boolean fromKey) {
      this.fromKey = fromKey;
      return this;
    }

    /** Return at most {@code limit} key-values; 0 means no limit. Must be {@code >= 0}. */
    public Builder withLimit(long limit) {
      this.limit = limit;
      return this;
    }

    /** Read at {@code revision}; 0 means the latest. Must be {@code >= 0}. */
    public Builder withRevision(long revision) {
      this.revision = revision;
      return this;
    }

    public Builder withSortOrder(SortOrder order) {
      this.sortOrder = Objects.requireNonNull(order, "sortOrder");
      return this;
    }

    public Builder withSortField(SortTarget field) {
      this.sortTarget = Objects.requireNonNull(field, "sortField");
      return this;
    }

    /** Serve from this member's local state: faster, but possibly stale. */
    public Builder withSerializable(boolean serializable) {
      this.serializable = serializable;
      return this;
    }

    public Builder withKeysOnly(boolean keysOnly) {
      this.keysOnly = keysOnly;
      return this;
    }

    public Builder withCountOnly(boolean countOnly) {
      this.countOnly = countOnly;
      return this;
    }

    public Builder withMinModRevision(long revision) {
      this.minModRevision = revision;
      return this;
    }

    public Builder withMaxModRevision(long revision) {
      this.maxModRevision = revision;
      return this;
    }

    public Builder withMinCreateRevision(long revision) {
      this.minCreateRevision = revision;
      return this;
    }

    public Builder withMaxCreateRevision(long revision) {
      this.maxCreateRevision = revision;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidArgumentException naming the offending setting or conflicting pair
     */
    public GetOption build() {
      KeyRange.checkSelection(endKey, prefix, fromKey);
      Checks.notNegative("limit", limit, "0 means no limit");
      Checks.notNegative("revision", revision, "0 means the latest revision");
      Checks.notNegative("minModRevision", minModRevision, "0 means no bound");
      Checks.notNegative("maxModRevision", maxModRevision, "0 means no bound");
      Checks.notNegative("minCreateRevision", minCreateRevision, "0 means no bound");
      Checks.notNegative("maxCreateRevision", maxCreateRevision, "0 means no bound");
      Checks.bounds("ModRevision", minModRevision, maxModRevision);
      Checks.bounds("CreateRevision", minCreateRevision, maxCreateRevision);
      if (countOnly) {
        Checks.ignoredWithCountOnly("keysOnly", keysOnly);
        Checks.ignoredWithCountOnly("limit", limit != 0);
        Checks.ignoredWithCountOnly("sortOrder", sortOrder != SortOrder.NONE);
        Checks.ignoredWithCountOnly("sortField", sortTarget != SortTarget.KEY);
        Checks.ignoredWithCountOnly("minModRevision", minModRevision != 0);
        Checks.ignoredWithCountOnly("maxModRevision", maxModRevision != 0);
        Checks.ignoredWithCountOnly("minCreateRevision", minCreateRevision != 0);
        Checks.ignoredWithCountOnly("maxCreateRevision", maxCreateRevision != 0);
      }
      return new GetOption(this);
    }
  }
}
