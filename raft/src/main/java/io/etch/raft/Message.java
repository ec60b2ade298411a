package io.etch.raft;

import java.util.List;
import java.util.Objects;

/**
 * A Raft message, the unit the core consumes ({@code step}) and emits ({@code Ready.messages}).
 *
 * <p>The fields are those of etcd-io/raft's {@code raftpb.Message}; which ones a type uses:
 *
 * <pre>
 *   type              term logTerm index entries commit reject rejectHint snapshot context
 *   APP               x    x(prev) x(prev) x     x
 *   APP_RESP          x    x(hint)  x          -        x      x
 *   VOTE/PRE_VOTE     x    x(last) x(last)             (context = campaign kind)
 *   *_VOTE_RESP       x                                x
 *   HEARTBEAT         x                        x                                   x
 *   HEARTBEAT_RESP    x                                                            x
 *   SNAP              x                                                  x
 *   READ_INDEX        x                                                            x
 *   READ_INDEX_RESP   x             x                                              x
 *   PROP              x             entries to propose
 * </pre>
 *
 * Immutable: entries and arrays are shared, never copied, and must not be modified.
 */
public final class Message {
  /** The id that names no member (no vote, no leader). Member ids are always {@code > 0}. */
  public static final long NONE = 0;

  private static final byte[] EMPTY_BYTES = new byte[0];

  private final MessageType type;
  private final long from;
  private final long to;
  private final long term;
  private final long logTerm;
  private final long index;
  private final List<Entry> entries;
  private final long commit;
  private final boolean reject;
  private final long rejectHint;
  private final Snapshot snapshot;
  private final byte[] context;

  private Message(Builder b) {
    this.type = Objects.requireNonNull(b.type, "type");
    this.from = b.from;
    this.to = b.to;
    this.term = b.term;
    this.logTerm = b.logTerm;
    this.index = b.index;
    this.entries = b.entries == null ? List.of() : List.copyOf(b.entries);
    this.commit = b.commit;
    this.reject = b.reject;
    this.rejectHint = b.rejectHint;
    this.snapshot = b.snapshot;
    this.context = b.context == null ? EMPTY_BYTES : b.context;
  }

  public static Builder builder(MessageType type) {
    return new Builder(type);
  }

  /** A builder preset with every field of this message. */
  public Builder toBuilder() {
    Builder b = new Builder(type);
    b.from = from;
    b.to = to;
    b.term = term;
    b.logTerm = logTerm;
    b.index = index;
    b.entries = entries;
    b.commit = commit;
    b.reject = reject;
    b.rejectHint = rejectHint;
    b.snapshot = snapshot;
    b.context = context;
    return b;
  }

  public MessageType type() {
    return type;
  }

  public long from() {
    return from;
  }

  public long to() {
    return to;
  }

  public long term() {
    return term;
  }

  public long logTerm() {
    return logTerm;
  }

  public long index() {
    return index;
  }

  /** Never null; empty when the type carries none. */
  public List<Entry> entries() {
    return entries;
  }

  public long commit() {
    return commit;
  }

  public boolean reject() {
    return reject;
  }

  public long rejectHint() {
    return rejectHint;
  }

  /** The snapshot of a {@link MessageType#SNAP}; null for every other type. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Opaque context (read-index request id, campaign kind); never null. */
  public byte[] context() {
    return context;
  }

  /**
   * Bytes of entry payloads and overhead this message carries, for size limits and flow control.
   */
  public long entriesSizeBytes() {
    long n = 0;
    for (int i = 0; i < entries.size(); i++) {
      n += entries.get(i).sizeBytes();
    }
    return n;
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(48)
            .append(type)
            .append(' ')
            .append(from)
            .append("->")
            .append(to)
            .append(" t")
            .append(term);
    if (logTerm != 0 || index != 0) {
      s.append(" lt").append(logTerm).append(" i").append(index);
    }
    if (!entries.isEmpty()) {
      s.append(" ents=").append(entries.size());
    }
    if (commit != 0) {
      s.append(" c").append(commit);
    }
    if (reject) {
      s.append(" REJECT hint=").append(rejectHint);
    }
    if (snapshot != null) {
      s.append(' ').append(snapshot);
    }
    return s.toString();
  }

  /** Builds a {@link Message}; unset numeric fields are 0, unset lists and arrays empty. */
  public static final class Builder {
    private final MessageType type;
    private long from;
    private long to;
    private long term;
    private long logTerm;
    private long index;
    private List<Entry> entries;
    private long commit;
    private boolean reject;
    private long rejectHint;
    private Snapshot snapshot;
    private byte[] context;

    private Builder(MessageType type) {
      this.type = type;
    }

    public Builder from(long from) {
      this.from = from;
      return this;
    }

    public Builder to(long to) {
      this.to = to;
      return this;
    }

    public Builder term(long term) {
      this.term = term;
      return this;
    }

    public Builder logTerm(long logTerm) {
      this.logTerm = logTerm;
      return this;
    }

    public Builder index(long index) {
      this.index = index;
      return this;
    }

    public Builder entries(List<Entry> entries) {
      this.entries = entries;
      return this;
    }

    public Builder commit(long commit) {
      this.commit = commit;
      return this;
    }

    public Builder reject(boolean reject) {
      this.reject = reject;
      return this;
    }

    public Builder rejectHint(long rejectHint) {
      this.rejectHint = rejectHint;
      return this;
    }

    public Builder snapshot(Snapshot snapshot) {
      this.snapshot = snapshot;
      return this;
    }

    public Builder context(byte[] context) {
      this.context = context;
      return this;
    }

    public Message build() {
      return new Message(this);
    }
  }
}
