package io.etch.options;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a delete (etcd's DeleteRange request).
 *
 * <ul>
 *   <li><b>Range</b>: one key by default; {@link Builder#withRange(ByteSequence)
 *       withRange(endKey)}, {@link Builder#isPrefix(boolean) isPrefix} or {@link
 *       Builder#withFromKey(boolean) withFromKey} select a range (see {@link KeyRange}).
 *   <li><b>prevKV</b>: return the deleted key-values ({@code DeleteResponse.prevKvs}).
 * </ul>
 *
 * A delete that removes at least one key creates one new revision, shared by every key it removes
 * (one DELETE event per key, all at that revision); deleting nothing creates no revision.
 */
public final class DeleteOption {
  public static final DeleteOption DEFAULT = builder().build();

  private final ByteSequence endKey;
  private final boolean prefix;
  private final boolean fromKey;
  private final boolean prevKv;

  private DeleteOption(Builder b) {
    this.endKey = b.endKey;
    this.prefix = b.prefix;
    this.fromKey = b.fromKey;
    this.prevKv = b.prevKv;
  }

  public static Builder builder() {
    return new Builder();
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

  public boolean isPrevKv() {
    return prevKv;
  }

  /** Builds a {@link DeleteOption}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private ByteSequence endKey;
    private boolean prefix;
    private boolean fromKey;
    private boolean prevKv;

    private Builder() {}

    /** Delete {@code [key, endKey)}; {@code "\0"} means every key {@code >= key}. */
    public Builder withRange(ByteSequence endKey) {
      this.endKey = Objects.requireNonNull(endKey, "endKey");
      return this;
    }

    /** Delete every key that starts with the request's key (an empty key means every key). */
    public Builder isPrefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Delete every key {@code >=} the request's key. */
    public Builder withFromKey(boolean fromKey) {
      this.fromKey = fromKey;
      return this;
    }

    /** Return the deleted key-values. */
    public Builder withPrevKV(boolean prevKv) {
      this.prevKv = prevKv;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws io.etch.InvalidArgumentException naming the conflicting pair
     */
    public DeleteOption build() {
      KeyRange.checkSelection(endKey, prefix, fromKey);
      return new DeleteOption(this);
    }
  }
}
