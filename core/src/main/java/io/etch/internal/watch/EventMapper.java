package io.etch.internal.watch;

import io.etch.ByteSequence;
import io.etch.kv.KeyValue;
import io.etch.storage.mvcc.Event;
import io.etch.watch.WatchEvent;
import java.util.Optional;

/**
 * Maps the MVCC store's events to the public {@link WatchEvent}. Byte arrays are wrapped, not
 * copied: both sides treat them as immutable (the store never mutates an array it handed out).
 */
final class EventMapper {
  /** Rough per-event heap cost beyond key and value bytes, for the pending-bytes bound. */
  static final int EVENT_OVERHEAD_BYTES = 96;

  private EventMapper() {}

  static WatchEvent toPublic(Event e, boolean withPrevKv) {
    WatchEvent.EventType type =
        switch (e.type()) {
          case PUT -> WatchEvent.EventType.PUT;
          case DELETE -> WatchEvent.EventType.DELETE;
        };
    Optional<KeyValue> prev =
        withPrevKv && e.prevKv() != null ? Optional.of(toPublic(e.prevKv())) : Optional.empty();
    return new WatchEvent(type, toPublic(e.kv()), prev);
  }

  static KeyValue toPublic(io.etch.storage.mvcc.KeyValue kv) {
    return new KeyValue(
        ByteSequence.wrap(kv.key()),
        ByteSequence.wrap(kv.value()),
        kv.createRevision(),
        kv.modRevision(),
        kv.version(),
        kv.lease());
  }

  /** The bytes an event costs in a pending queue. */
  static long sizeBytes(Event e, boolean withPrevKv) {
    long bytes = EVENT_OVERHEAD_BYTES + e.kv().key().length + e.kv().value().length;
    if (withPrevKv && e.prevKv() != null) {
      bytes += e.prevKv().key().length + e.prevKv().value().length + EVENT_OVERHEAD_BYTES;
    }
    return bytes;
  }
}
