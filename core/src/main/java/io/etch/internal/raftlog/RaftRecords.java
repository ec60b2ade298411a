package io.etch.internal.raftlog;

import io.etch.raft.Entry;
import io.etch.raft.EntryType;
import io.etch.raft.HardState;
import io.etch.storage.wal.WalCorruptionException;
import io.etch.storage.wal.WalHardState;
import java.nio.file.Path;
import org.agrona.DirectBuffer;

/**
 * Adapts the raft module's records to the WAL's opaque ones: an entry's {@link EntryType} is stored
 * as its stable {@link EntryType#code()} in the WAL's entry-type byte; the hard state maps field by
 * field.
 */
final class RaftRecords {
  private RaftRecords() {}

  static byte typeCode(EntryType type) {
    return (byte) type.code();
  }

  /**
   * The entry type stored as {@code code}.
   *
   * @throws WalCorruptionException when no type has that code (a checksummed record from another
   *     format)
   */
  static EntryType entryType(byte code, long index, Path walDirectory) {
    try {
      return EntryType.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw new WalCorruptionException(
          walDirectory, -1, "entry " + index + " has unknown raft entry type code " + code);
    }
  }

  static Entry entry(
      long index,
      long term,
      byte typeCode,
      DirectBuffer payload,
      int offset,
      int length,
      Path walDirectory) {
    byte[] data = new byte[length];
    payload.getBytes(offset, data);
    return new Entry(term, index, entryType(typeCode, index, walDirectory), data);
  }

  static WalHardState toWal(HardState hs) {
    return new WalHardState(hs.term(), hs.vote(), hs.commit());
  }

  static HardState fromWal(WalHardState hs) {
    return new HardState(hs.term(), hs.vote(), hs.commit());
  }
}
