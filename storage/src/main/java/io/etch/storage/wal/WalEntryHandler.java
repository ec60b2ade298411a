package io.etch.storage.wal;

import org.agrona.DirectBuffer;

/**
 * Receives entries read from the log without copying them: the payload is a flyweight view valid
 * only during the call.
 */
@FunctionalInterface
public interface WalEntryHandler {
  void onEntry(
      long index, long term, byte entryType, DirectBuffer payload, int offset, int lengthBytes);
}
