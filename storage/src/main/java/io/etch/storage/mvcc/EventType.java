package io.etch.storage.mvcc;

/** Kind of a change event. */
public enum EventType {
  PUT,
  DELETE
}
