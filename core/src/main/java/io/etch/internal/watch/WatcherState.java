package io.etch.internal.watch;

import io.etch.KeyRange;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.EventType;
import io.etch.watch.Watch;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: what it selects, where it stands in the revision stream, and its delivery queue.
 *
 * <h2>Three owners</h2>
 *
 * <ul>
 *   <li><b>Position</b> ({@link #nextRev}, {@link #synced}, the scratch batch, the progress flags):
 *       under the hub's group lock while the watcher is synced; owned by the hub's catch-up thread
 *       while it is unsynced (the hand-over in either direction happens under the group lock, or
 *       through a concurrent queue, so each side sees the other's writes).
 *   <li><b>Delivery queue</b> ({@link #pending} and its counters, {@link #scheduled}, the end of
 *       the watch): under this object's monitor. Producers (the applier, the catch-up thread, the
 *       progress timer, {@code close}) append; a single drain task at a time empties it on the user
 *       executor.
 *   <li><b>Listener calls</b>: only from the drain task, so never two at once for one watcher, and
 *       always in queue order; the end of the watch ({@code onError}/{@code onCompleted}) is the
 *       last call.
 * </ul>
 *
 * The drain task runs at most {@link #MAX_RESPONSES_PER_RUN} responses, then resubmits itself, so
 * one busy watcher does not hog a shared executor thread.
 */
final class WatcherState implements Watcher, Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WatcherState.class);
  static final int MAX_RESPONSES_PER_RUN = 64;

  private final WatchHub hub;
  private final long watchId;
  private final Watch.Listener listener;
  private final Executor executor;
  final KeyRange range;

  /** Range start bytes. */
  final byte[] start;

  /** Range end bytes for a range watcher; null when unbounded or a single key. */
  final byte[] end;

  final boolean noPut;
  final boolean noDelete;
  final boolean prevKv;
  final boolean progressNotify;
  final long requestedStartRevision;

  // ---- position: group lock while synced, catch-up thread while unsynced ----
  /** The next revision this watcher needs. */
  long nextRev;

  boolean synced;
  boolean cancelled;
  boolean progressRequested;
  boolean sentSinceTick;

  /** Everything up to this revision was queued by the catch-up thread before the hand-over. */
  long caughtUpTo;

  final ArrayList<io.etch.watch.WatchEvent> scratch = new ArrayList<>();
  long scratchBytes;

  // ---- delivery queue: this object's monitor ----
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long pendingEvents;
  private long pendingBytes;
  private boolean scheduled;
  private boolean awaitingRoom;
  private boolean endQueued;
  private boolean finished;
  private Throwable endError;
  private volatile boolean ended;

  private record Pending(WatchResponse response, int events, long bytes) {}

  WatcherState(
      WatchHub hub,
      long watchId,
      KeyRange range,
      WatchOption option,
      Watch.Listener listener,
      Executor executor) {
    this.hub = hub;
    this.watchId = watchId;
    this.range = range;
    this.listener = listener;
    this.executor = executor;
    this.start = range.key().unsafeBytes();
    this.end = range.isSingleKey() || range.isUnbounded() ? null : range.rangeEnd().unsafeBytes();
    this.noPut = option.isNoPut();
    this.noDelete = option.isNoDelete();
    this.prevKv = option.isPrevKv();
    this.progressNotify = option.isProgressNotify();
    this.requestedStartRevision = option.startRevision();
  }

  @Override
  public long watchId() {
    return watchId;
  }

  @Override
  public void requestProgress() {
    hub.requestProgress(this);
  }

  @Override
  public void close() {
    hub.cancel(this);
  }

  /** Whether the range selects no key at all ({@code [a, b)} with {@code b <= a}). */
  boolean selectsNothing() {
    return end != null && java.util.Arrays.compareUnsigned(end, start) <= 0;
  }

  /** Whether the filters let {@code e} through. */
  boolean accepts(Event e) {
    return e.type() == EventType.PUT ? !noPut : !noDelete;
  }

  /** Whether the watch has ended (cancelled, failed, or the hub closed). */
  boolean isEnded() {
    return ended;
  }

  // ---------------------------------------------------------------- producers

  /**
   * Appends unconditionally (CREATED, progress, catch-up pages: their size is bounded by the
   * caller). Returns true when the caller must {@link #schedule()} a drain.
   */
  synchronized boolean enqueue(WatchResponse response, int events, long bytes) {
    if (endQueued) {
      return false;
    }
    pending.add(new Pending(response, events, bytes));
    pendingEvents += events;
    pendingBytes += bytes;
    return claimDrain();
  }

  /** Outcome of {@link #offer}. */
  enum Offer {
    /** Queued; a drain must be scheduled. */
    QUEUED_SCHEDULE,
    /** Queued; a drain is already scheduled or running. */
    QUEUED,
    /** Over the bound: not queued, the watcher must fall back to catch-up. */
    FULL,
    /** The watch has ended; nothing to do. */
    ENDED
  }

  /**
   * Appends a revision's events unless that would take the queue over the bound (a revision is
   * always accepted into an empty queue, so a single large revision cannot stall a watcher).
   */
  synchronized Offer offer(
      WatchResponse response, int events, long bytes, int maxEvents, long maxBytes) {
    if (endQueued) {
      return Offer.ENDED;
    }
    if (!pending.isEmpty()
        && (pendingEvents + events > maxEvents || pendingBytes + bytes > maxBytes)) {
      return Offer.FULL;
    }
    pending.add(new Pending(response, events, bytes));
    pendingEvents += events;
    pendingBytes += bytes;
    return claimDrain() ? Offer.QUEUED_SCHEDULE : Offer.QUEUED;
  }

  synchronized boolean isQueueEmpty() {
    return pending.isEmpty();
  }

  /**
   * For the catch-up thread: true when the queue is at most half full; otherwise records that the
   * catch-up thread waits for room, so the drain task kicks it once there is.
   */
  synchronized boolean hasRoomOrAwait(int maxEvents, long maxBytes) {
    if (hasRoom(maxEvents, maxBytes)) {
      return true;
    }
    awaitingRoom = true;
    return false;
  }

  private boolean hasRoom(int maxEvents, long maxBytes) {
    return pendingEvents <= maxEvents / 2 && pendingBytes <= maxBytes / 2;
  }

  /**
   * Ends the watch: the listener's last call will be {@code onCompleted} ({@code error == null}) or
   * {@code onError(error)}. With {@code dropPending}, responses not yet delivered are discarded.
   * Only the first end counts. Returns true when the caller must {@link #schedule()} a drain.
   */
  synchronized boolean end(Throwable error, boolean dropPending) {
    if (endQueued) {
      return false;
    }
    endQueued = true;
    ended = true;
    endError = error;
    if (dropPending) {
      // CREATED stays: it is always the listener's first call, even for a watch ended at once
      Pending first = pending.peek();
      pending.clear();
      pendingEvents = 0;
      pendingBytes = 0;
      if (first != null && first.response.kind() == WatchResponse.Kind.CREATED) {
        pending.add(first);
      }
    }
    return claimDrain();
  }

  private boolean claimDrain() {
    if (scheduled) {
      return false;
    }
    scheduled = true;
    return true;
  }

  /** Submits the drain task; call after a producer returned true, outside any hub lock. */
  void schedule() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      LOG.warn(
          "watch {}: the callback executor rejected delivery; the watch is dropped", watchId, e);
      synchronized (this) {
        pending.clear();
        pendingEvents = 0;
        pendingBytes = 0;
        endQueued = true;
        ended = true;
        scheduled = false;
      }
      hub.forget(this);
    }
  }

  // ---------------------------------------------------------------- the drain task

  @Override
  public void run() {
    for (int i = 0; i < MAX_RESPONSES_PER_RUN; i++) {
      Pending next;
      boolean finish = false;
      Throwable error = null;
      boolean kick = false;
      synchronized (this) {
        next = pending.poll();
        if (next != null) {
          pendingEvents -= next.events;
          pendingBytes -= next.bytes;
          if (awaitingRoom && hasRoom(hub.maxPendingEvents(), hub.maxPendingBytes())) {
            awaitingRoom = false;
            kick = true;
          }
        } else if (endQueued && !finished) {
          // stays "scheduled" for good: nothing is delivered after the end
          finished = true;
          finish = true;
          error = endError;
          endError = null;
        } else {
          scheduled = false;
          return;
        }
      }
      if (kick) {
        hub.kickCatchUp();
      }
      if (finish) {
        finish(error);
        return;
      }
      try {
        listener.onNext(next.response);
      } catch (RuntimeException e) {
        LOG.warn("watch {}: listener.onNext threw; delivery goes on", watchId, e);
      }
    }
    schedule();
  }

  private void finish(Throwable error) {
    try {
      if (error == null) {
        listener.onCompleted();
      } else {
        listener.onError(error);
      }
    } catch (RuntimeException e) {
      LOG.warn("watch {}: listener threw at the end of the watch", watchId, e);
    }
  }

  @Override
  public String toString() {
    return "watch " + watchId + " on " + range;
  }
}
