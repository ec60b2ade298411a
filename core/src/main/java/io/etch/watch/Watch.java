package io.etch.watch;

import io.etch.ByteSequence;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Watches for changes, with etcd's guarantees:
 *
 * <ul>
 *   <li><b>Ordered</b>: events arrive in revision order; the events of one transaction in request
 *       order.
 *   <li><b>Unique</b> and <b>reliable</b>: each event once, no gaps.
 *   <li><b>Atomic</b>: all events of one revision arrive in one {@link WatchResponse}.
 *   <li><b>Resumable</b>: a new watch from the last revision seen + 1 continues exactly.
 *   <li><b>Bookmarkable</b>: a progress notification at revision R means every event up to R was
 *       delivered.
 * </ul>
 *
 * A watch is local to the member it was created on and survives leader changes, and the member
 * installing the leader's snapshot (it catches up from the restored store). A watch whose start
 * revision was compacted, or whose next revision the installed snapshot compacted away, ends with
 * {@code onError(CompactedException)} carrying the compaction revision (re-read the state, then
 * watch from the revision read + 1). When the member closes, open watches end with {@code
 * onError(NodeClosedException)}. A member holds at most {@code maxWatchers} open watches; one more
 * ends at once with {@code onError(TooManyWatchersException)}, without CREATED. A slow listener
 * never blocks the node or other watchers: its events queue up to a bound, then it catches up from
 * history; events are never silently dropped.
 */
public interface Watch {
  /**
   * Starts watching the key, or the range the option selects. The returned watcher is already
   * registered; the listener first hears a CREATED response, then events.
   */
  Watcher watch(ByteSequence key, WatchOption option, Listener listener);

  default Watcher watch(ByteSequence key, Listener listener) {
    return watch(key, WatchOption.DEFAULT, listener);
  }

  /**
   * Hears one watch. Calls run on the node's callback executor, one at a time, in order; {@link
   * #onError} or {@link #onCompleted} is the last call.
   */
  interface Listener {
    /**
     * A CREATED response, a batch of events (one or more revisions), or a progress notification.
     */
    void onNext(WatchResponse response);

    /**
     * The watch ended on an error: {@code CompactedException} (history it needed was compacted),
     * {@code NodeClosedException}, {@code TooManyWatchersException}, or another {@link
     * io.etch.EtchException}.
     */
    void onError(Throwable error);

    /** The watch ended because {@link Watcher#close()} was called. */
    void onCompleted();
  }

  /**
   * A listener that hands responses to {@code onNext} and ignores the end of the watch; for quick
   * use when the end does not matter.
   */
  static Listener listener(Consumer<WatchResponse> onNext) {
    Objects.requireNonNull(onNext, "onNext");
    return new Listener() {
      @Override
      public void onNext(WatchResponse response) {
        onNext.accept(response);
      }

      @Override
      public void onError(Throwable error) {}

      @Override
      public void onCompleted() {}
    };
  }
}
