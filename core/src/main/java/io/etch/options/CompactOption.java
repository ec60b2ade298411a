package io.etch.options;

/**
 * Options of a compaction. Compacting to revision R drops every version of every key that was
 * superseded (or deleted) at or before R, keeping the latest version of each live key; reads at and
 * watches from revisions below R then fail with {@code CompactedException}. Compaction goes through
 * Raft, so every member compacts at the same point of the log.
 *
 * <ul>
 *   <li><b>physical</b>: complete the future only once the compacted entries are physically removed
 *       from this member's storage, rather than as soon as the compaction is applied logically
 *       (etcd's {@code physical} flag).
 * </ul>
 */
public final class CompactOption {
  public static final CompactOption DEFAULT = builder().build();

  private final boolean physical;

  private CompactOption(Builder b) {
    this.physical = b.physical;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isPhysical() {
    return physical;
  }

  /** Builds a {@link CompactOption}. Not thread-safe. */
  public static final class Builder {
    private boolean physical;

    private Builder() {}

    /** Wait until the compaction is physically applied to this member's storage. */
    public Builder withCompactPhysical(boolean physical) {
      this.physical = physical;
      return this;
    }

    public CompactOption build() {
      return new CompactOption(this);
    }
  }
}
