package io.etch.watch;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a watch (etcd's WatchCreateRequest).
 *
 * <ul>
 *   <li><b>Range</b>: one key by default; {@code withRange(endKey)}, {@code isPrefix} or {@code
 *       withFromKey} select a range (see {@link KeyRange}).
 *   <li><b>startRevision</b>: replay history from this revision, inclusive; 0 (default) means "from
 *       now" (the next revision). A revision below the compaction revision ends the watch with
 *       {@code CompactedException}.
 *   <li><b>noPut</b> / <b>noDelete</b>: filter PUT or DELETE events out (not both: the watch would
 *       never deliver anything).
 *   <li><b>prevKV</b>: events carry the key-value as it was before the event (absent if it was
 *       compacted).
 *   <li><b>progressNotify</b>: when no event arrives for the node's {@code progressNotifyInterval},
 *       deliver an empty response whose header revision is a bookmark.
 * </ul>
 */
public final class WatchOption {
  public static final WatchOption DEFAULT = builder().build();

  private final ByteSequence endKey;
  private final boolean prefix;
  private final boolean fromKey;
  private final long startRevision;
  private final boolean noPut;
  private final boolean noDelete;
  private final boolean prevKv;
  private final boolean progressNotify;

  private WatchOption(Builder b) {
    this.endKey = b.endKey;
    this.prefix = b.prefix;
    this.fromKey = b.fromKey;
    this.startRevision = b.startRevision;
    this.noPut = b.noPut;
    this.noDelete = b.noDelete;
    this.prevKv = b.prevKv;
    this.progressNotify = b.progressNotify;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The keys this option watches for {@code key}. */
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

  /** The first revision delivered; 0 means "from now". */
  public long startRevision() {
    return startRevision;
  }

  public boolean isNoPut() {
    return noPut;
  }

  public boolean isNoDelete() {
    return noDelete;
  }

  public boolean isPrevKv() {
    return prevKv;
  }

  public boolean isProgressNotify() {
    return progressNotify;
  }

  /** Builds a {@link WatchOption}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private ByteSequence endKey;
    private boolean prefix;
    private boolean fromKey;
    private long startRevision;
    private boolean noPut;
    private boolean noDelete;
    private boolean prevKv;
    private boolean progressNotify;

    private Builder() {}

    /** Watch {@code [key, endKey)}; {@code "\0"} means every key {@code >= key}. */
    public Builder withRange(ByteSequence endKey) {
      this.endKey = Objects.requireNonNull(endKey, "endKey");
      return this;
    }

    /** Watch every key that starts with the watched key (an empty key means every key). */
    public Builder isPrefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Watch every key {@code >=} the watched key. */
    public Builder withFromKey(boolean fromKey) {
      this.fromKey = fromKey;
      return this;
    }

    /** Replay from {@code revision}, inclusive; 0 means from now. */
    public Builder withRevision(long revision) {
      this.startRevision = revision;
      return this;
    }

    public Builder withNoPut(boolean noPut) {
      this.noPut = noPut;
      return this;
    }

    public Builder withNoDelete(boolean noDelete) {
      this.noDelete = noDelete;
      return this;
    }

    public Builder withPrevKV(boolean prevKv) {
      this.prevKv = prevKv;
      return this;
    }

    public Builder withProgressNotify(boolean progressNotify) {
      this.progressNotify = progressNotify;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidArgumentException naming the offending setting or conflicting pair
     */
    public WatchOption build() {
      KeyRange.checkSelection(endKey, prefix, fromKey);
      if (startRevision < 0) {
        throw new InvalidArgumentException(
            "startRevision", "startRevision must be >= 0 (0 means from now), got " + startRevision);
      }
      if (noPut && noDelete) {
        throw new InvalidArgumentException(
            "noDelete",
            "noPut and noDelete conflict: together they filter out every event, so the watch"
                + " would never deliver one");
      }
      return new WatchOption(this);
    }
  }
}
