package io.etch.storage.mvcc;

import java.util.List;

/**
 * A page of history for watch catch-up.
 *
 * @param events events in revision order
 * @param next where to continue: pass it as {@code from} to the next call
 * @param more true when events at or after {@code next} (up to the view's revision) were left out
 */
public record HistoryPage(List<Event> events, Revision next, boolean more) {
  public HistoryPage {
    events = List.copyOf(events);
  }
}
