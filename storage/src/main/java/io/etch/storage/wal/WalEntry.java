package io.etch.storage.wal;

import java.util.Arrays;

/**
 * A log entry as stored: index, term, an opaque type byte and opaque payload bytes (Raft's meaning
 * of them lives in the consensus module). The payload array is owned by this record; do not mutate.
 */
public record WalEntry(long index, long term, byte entryType, byte[] payload) {
  @Override
  public boolean equals(Object o) {
    return o instanceof WalEntry e
        && index == e.index
        && term == e.term
        && entryType == e.entryType
        && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "WalEntry{index="
        + index
        + ", term="
        + term
        + ", type="
        + entryType
        + ", payloadBytes="
        + payload.length
        + '}';
  }
}
