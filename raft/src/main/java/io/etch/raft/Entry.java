package io.etch.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry: its position (term, index), its type and an opaque payload.
 *
 * <p>Immutable by contract: the payload array is not copied, so neither the producer nor any
 * consumer may change it after construction. Entries are shared between the log, outgoing messages
 * and the apply queue without copies.
 */
public final class Entry {
  /** Fixed per-entry overhead counted by {@link #sizeBytes()}: term, index, type and length. */
  public static final int OVERHEAD_BYTES = 8 + 8 + 1 + 4;

  private static final byte[] EMPTY = new byte[0];

  private final long term;
  private final long index;
  private final EntryType type;
  private final byte[] data;

  public Entry(long term, long index, EntryType type, byte[] data) {
    if (term < 0 || index < 0) {
      throw new IllegalArgumentException(
          "entry term and index must be >= 0, got term=" + term + " index=" + index);
    }
    this.term = term;
    this.index = index;
    this.type = Objects.requireNonNull(type, "type");
    this.data = data == null ? EMPTY : data;
  }

  /** A normal entry. */
  public static Entry normal(long term, long index, byte[] data) {
    return new Entry(term, index, EntryType.NORMAL, data);
  }

  public long term() {
    return term;
  }

  public long index() {
    return index;
  }

  public EntryType type() {
    return type;
  }

  /** The payload; never null, never to be modified. */
  public byte[] data() {
    return data;
  }

  /** This entry with another position, the same type and payload. */
  public Entry withPosition(long term, long index) {
    return new Entry(term, index, type, data);
  }

  /** Bytes this entry weighs for flow control and message size limits. */
  public long sizeBytes() {
    return OVERHEAD_BYTES + data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && e.term == term
        && e.index == index
        && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(term, index, type) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry{t" + term + " i" + index + " " + type + " " + data.length + "B}";
  }
}
