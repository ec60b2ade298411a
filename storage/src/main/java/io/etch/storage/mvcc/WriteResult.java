package io.etch.storage.mvcc;

import java.util.List;

/**
 * What a write returns: the etcd response and the change events it produced, in revision order.
 *
 * @param response the response
 * @param events the changes (empty when nothing was written)
 * @param <R> the response type
 */
public record WriteResult<R>(R response, List<Event> events) {
  public WriteResult {
    events = List.copyOf(events);
  }
}
