package io.etch.watch;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/**
 * What a watch listener receives: the CREATED acknowledgement, a batch of events, or a progress
 * notification (switch on {@link #kind()}). A watch cancelled by the member (compaction, node
 * close) is reported through {@link Watch.Listener#onError} with a typed exception that carries the
 * compaction revision or the reason, not through a response.
 *
 * @param header for EVENTS, the member's revision when the batch was sent; for PROGRESS, the
 *     bookmark: every event up to {@code header.revision()} was delivered and every later event has
 *     a greater revision; for CREATED, the revision the watch starts after (when watching from now)
 * @param kind which of the three this is
 * @param events the events, in revision order, whole revisions only; empty unless EVENTS
 */
public record WatchResponse(Header header, Kind kind, List<WatchEvent> events) {
  /** The three kinds of response. */
  public enum Kind {
    /** The watch is registered (always the first response). */
    CREATED,
    /** One or more events. */
    EVENTS,
    /** A progress notification (periodic with {@code progressNotify}, or requested). */
    PROGRESS
  }

  public WatchResponse {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(kind, "kind");
    events = List.copyOf(events);
    if ((kind == Kind.EVENTS) == events.isEmpty()) {
      throw new IllegalArgumentException(
          kind + " response must " + (kind == Kind.EVENTS ? "" : "not ") + "carry events");
    }
  }

  public static WatchResponse created(Header header) {
    return new WatchResponse(header, Kind.CREATED, List.of());
  }

  public static WatchResponse events(Header header, List<WatchEvent> events) {
    return new WatchResponse(header, Kind.EVENTS, events);
  }

  public static WatchResponse progress(Header header) {
    return new WatchResponse(header, Kind.PROGRESS, List.of());
  }

  /** Whether this is a progress notification (jetcd's {@code isProgressNotify()}). */
  public boolean isProgressNotify() {
    return kind == Kind.PROGRESS;
  }
}
