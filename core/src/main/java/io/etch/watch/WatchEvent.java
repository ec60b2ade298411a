package io.etch.watch;

import io.etch.kv.KeyValue;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of one key (etcd's mvccpb.Event).
 *
 * @param type PUT or DELETE
 * @param kv for a PUT, the key-value written; for a DELETE, the key with an empty value, version 0
 *     and the deletion's revision as mod revision
 * @param prevKv the key-value before the event, when {@code prevKV} was asked for and the previous
 *     version is still in history
 */
public record WatchEvent(EventType type, KeyValue kv, Optional<KeyValue> prevKv) {
  /** The kind of change. */
  public enum EventType {
    PUT,
    DELETE
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kv, "kv");
    Objects.requireNonNull(prevKv, "prevKv");
  }
}
