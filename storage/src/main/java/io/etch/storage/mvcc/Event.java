package io.etch.storage.mvcc;

/**
 * One change, as the watch hub dispatches it.
 *
 * @param type PUT or DELETE
 * @param kv the new version; for a DELETE a tombstone carrying the key and the deleting revision
 * @param prevKv the version it replaced, or null when the key did not exist
 * @param revision the exact revision (main and sub) of the change, for ordering and resumption
 */
public record Event(EventType type, KeyValue kv, KeyValue prevKv, Revision revision) {}
