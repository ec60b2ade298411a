package io.etch.internal.watch;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.NodeClosedException;
import io.etch.TooManyWatchersException;
import io.etch.kv.Header;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.MvccView;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch engine of one member: etcd's {@code watchableStore} over our MVCC store.
 *
 * <h2>How the node drives it</h2>
 *
 * The applier calls {@link #onApplied(long, List)} after each applied write with the write's events
 * (all of one revision, in request order); users call {@link #watch}; the applier calls {@link
 * #restore} when it replaced the store with the leader's snapshot; the node calls {@link #close()}
 * when it closes. At most {@code maxWatchers} watches are open at once. The hub reads history from
 * the {@code Supplier<MvccView>} it was given and runs listeners on the callback executor it was
 * given. It owns one thread, {@code etch-watch-<member>}, for catch-up and (by default) progress
 * ticks, and stops it on close.
 *
 * <h2>Two groups</h2>
 *
 * As etcd, a watcher is either <b>synced</b> — it has every event up to the last revision the
 * applier notified, and the applier hands it each new revision — or <b>unsynced</b> — it is behind
 * and a {@link CatchUp} loop feeds it from MVCC history, a page of whole revisions at a time, until
 * it reaches the current revision and rejoins the synced group. Synced watchers live in a {@link
 * SyncedGroup}: a hash map for single keys and an interval tree for ranges, so a write touches only
 * the watchers that select one of its keys.
 *
 * <h2>The applier never waits for a listener</h2>
 *
 * {@code onApplied} matches the revision's events, appends one response per matching watcher to
 * that watcher's bounded queue and submits the watcher's drain task to the callback executor. When
 * a watcher's queue is over its bound ({@code maxPendingEventsPerWatcher} / {@code
 * maxPendingBytesPerWatcher}) the revision is not queued: the watcher leaves the synced group with
 * its position ({@code nextRev} = this revision) and the catch-up loop delivers it from history
 * once the listener has drained half of its queue. Nothing is dropped; a slow listener costs memory
 * up to its bound, then only its position.
 *
 * <h2>Locking</h2>
 *
 * One group lock guards the synced group, every watcher's position while it is synced, the watcher
 * registry and the last notified revision. It is held only for in-memory bookkeeping — matching one
 * revision, registering, cancelling, handing a caught-up watcher over, a progress tick — and never
 * while reading history, calling a listener or submitting to an executor. Because the applier
 * matches and queues a whole revision under it, every decision taken under it (a hand-over, a
 * progress bookmark) sees each revision either entirely queued or not at all.
 *
 * <h2>Progress</h2>
 *
 * A bookmark R promises every event up to R was delivered and every later one is above R. It is
 * queued behind the watcher's events, so it is delivered after them. Periodic notifications (every
 * {@code progressNotifyInterval}, to watchers created with {@code progressNotify}) follow etcd:
 * only to a synced watcher with an empty queue that got no events since the previous tick. {@link
 * Watcher#requestProgress()} on a synced watcher queues one at once; on an unsynced one it is
 * remembered and sent when the watcher rejoins the synced group (etcd drops it).
 */
public final class WatchHub implements Watch, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
  private static final WatcherState[] NONE = new WatcherState[0];

  private final String memberName;
  private final java.util.function.LongSupplier clusterId;
  private final long memberId;
  private final LongSupplier raftTerm;
  private final Supplier<MvccView> views;
  private final Executor callbackExecutor;
  private final int maxPendingEvents;
  private final long maxPendingBytes;
  private final int maxWatchers;
  private final ScheduledThreadPoolExecutor hubThread;
  private final CatchUp catchUp;
  private final ProgressTimer.Cancellable progressTimer;
  private final AtomicLong watchIds = new AtomicLong();
  private volatile Thread thread;

  private final Object groupLock = new Object();
  // ---- guarded by groupLock ----
  private final SyncedGroup synced = new SyncedGroup();
  private final Long2ObjectHashMap<WatcherState> registry = new Long2ObjectHashMap<>();
  private long lastNotified;
  private boolean closed;
  private final ArrayList<WatcherState> touched = new ArrayList<>();
  private final ArrayList<WatcherState> toSchedule = new ArrayList<>();
  private long matchRevision;
  private Event matchEvent;
  private WatchEvent matchPlain;
  private WatchEvent matchWithPrev;
  private final Consumer<WatcherState> matchSink = this::collect;

  private WatchHub(Builder b) {
    this.memberName = b.memberName;
    this.clusterId = b.clusterId;
    this.memberId = b.memberId;
    this.raftTerm = b.raftTerm;
    this.views = b.views;
    this.callbackExecutor = b.callbackExecutor;
    this.maxPendingEvents = b.maxPendingEventsPerWatcher;
    this.maxPendingBytes = b.maxPendingBytesPerWatcher;
    this.maxWatchers = b.maxWatchers;
    this.lastNotified = views.get().revision();
    String threadName = "etch-watch-" + memberName;
    this.hubThread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    this.hubThread.setRemoveOnCancelPolicy(true);
    this.hubThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.catchUp = new CatchUp(this, views, hubThread, b.catchUpPageEvents);
    ProgressTimer timer = b.progressTimer != null ? b.progressTimer : this::startOwnTimer;
    this.progressTimer = timer.start(this::progressTick, b.progressNotifyInterval);
  }

  public static Builder builder() {
    return new Builder();
  }

  private ProgressTimer.Cancellable startOwnTimer(Runnable tick, Duration interval) {
    long ns = interval.toNanos();
    ScheduledFuture<?> f = hubThread.scheduleAtFixedRate(tick, ns, ns, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  // ------------------------------------------------------------------------------- user side

  @Override
  public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(option, "option");
    Objects.requireNonNull(listener, "listener");
    WatcherState w =
        new WatcherState(
            this,
            watchIds.incrementAndGet(),
            option.range(key),
            option,
            listener,
            callbackExecutor);
    boolean schedule;
    boolean kick = false;
    synchronized (groupLock) {
      if (closed) {
        schedule = w.end(new NodeClosedException(memberName), true);
      } else if (registry.size() >= maxWatchers) {
        schedule = w.end(new TooManyWatchersException(memberName, maxWatchers), true);
      } else {
        schedule = w.enqueue(WatchResponse.created(header(lastNotified)), 0, 0);
        long start = option.startRevision();
        long compacted = start == 0 ? 0 : views.get().compactedRevision();
        if (start != 0 && start < compacted) {
          w.end(new CompactedException(compacted, start), false);
        } else {
          registry.put(w.watchId(), w);
          if (start == 0 || start > lastNotified) {
            w.nextRev = start == 0 ? lastNotified + 1 : start;
            w.synced = true;
            synced.add(w);
          } else {
            w.nextRev = start;
            catchUp.add(w);
            kick = true;
          }
        }
      }
    }
    if (schedule) {
      w.schedule();
    }
    if (kick) {
      catchUp.kick();
    }
    return w;
  }

  void requestProgress(WatcherState w) {
    boolean schedule = false;
    synchronized (groupLock) {
      if (closed || w.cancelled || w.isEnded()) {
        return;
      }
      if (w.synced) {
        schedule = queueProgress(w);
      } else {
        w.progressRequested = true;
      }
    }
    if (schedule) {
      w.schedule();
    }
  }

  void cancel(WatcherState w) {
    boolean unsynced;
    synchronized (groupLock) {
      if (w.cancelled) {
        return;
      }
      w.cancelled = true;
      unsynced = !w.synced;
      unregister(w);
    }
    if (w.end(null, true)) {
      w.schedule();
    }
    if (unsynced) {
      catchUp.kick(); // lets the catch-up loop drop it now rather than at its next pass
    }
  }

  /** Removes a watcher whose delivery failed for good (its executor rejected it). */
  void forget(WatcherState w) {
    synchronized (groupLock) {
      w.cancelled = true;
      unregister(w);
    }
  }

  private void unregister(WatcherState w) {
    if (registry.remove(w.watchId()) != null && w.synced) {
      synced.remove(w);
    }
    w.synced = false;
  }

  // ----------------------------------------------------------------------------- applier side

  /**
   * Notifies the watchers of one applied write: {@code events} are the write's events (its {@code
   * WriteResult.events()}), all at main revision {@code revision}, in request order. Call from the
   * applier thread, once per revision, in revision order. Never blocks on a listener, an executor
   * queue or history; an empty list (a write that changed nothing) is ignored.
   *
   * @throws IllegalArgumentException when the events are not all at {@code revision}, or {@code
   *     revision} is not the one after the last notified revision
   */
  public void onApplied(long revision, List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    boolean kick = false;
    WatcherState[] ready;
    synchronized (groupLock) {
      if (closed) {
        return;
      }
      if (revision != lastNotified + 1) {
        throw new IllegalArgumentException(
            "onApplied("
                + revision
                + ") after revision "
                + lastNotified
                + ": revisions must be"
                + " notified one by one, in order");
      }
      for (int i = 0, n = events.size(); i < n; i++) {
        if (events.get(i).revision().main() != revision) {
          throw new IllegalArgumentException(
              "event " + events.get(i).revision() + " is not at the notified revision " + revision);
        }
      }
      matchRevision = revision;
      for (int i = 0, n = events.size(); i < n; i++) {
        Event e = events.get(i);
        matchEvent = e;
        matchPlain = null;
        matchWithPrev = null;
        synced.match(e.kv().key(), matchSink);
      }
      matchEvent = null;
      matchPlain = null;
      matchWithPrev = null;
      Header header = touched.isEmpty() ? null : header(revision);
      for (int i = 0, n = touched.size(); i < n; i++) {
        WatcherState w = touched.get(i);
        int count = w.scratch.size();
        WatchResponse response = WatchResponse.events(header, w.scratch);
        long bytes = w.scratchBytes;
        w.scratch.clear();
        w.scratchBytes = 0;
        switch (w.offer(response, count, bytes, maxPendingEvents, maxPendingBytes)) {
          case QUEUED_SCHEDULE -> {
            w.nextRev = revision + 1;
            w.sentSinceTick = true;
            toSchedule.add(w);
          }
          case QUEUED -> {
            w.nextRev = revision + 1;
            w.sentSinceTick = true;
          }
          case FULL -> {
            synced.remove(w);
            w.synced = false;
            w.nextRev = revision;
            catchUp.add(w);
            kick = true;
          }
          case ENDED -> {}
        }
      }
      touched.clear();
      lastNotified = revision;
      if (toSchedule.isEmpty()) {
        ready = NONE;
      } else {
        ready = toSchedule.toArray(NONE);
        toSchedule.clear();
      }
    }
    for (WatcherState w : ready) {
      w.schedule();
    }
    if (kick) {
      catchUp.kick();
    }
  }

  /** Match sink: adds the current event to {@code w}'s batch when its filters take it. */
  private void collect(WatcherState w) {
    Event e = matchEvent;
    if (matchRevision < w.nextRev || !w.accepts(e)) {
      return;
    }
    if (w.scratch.isEmpty()) {
      touched.add(w);
    }
    WatchEvent pub;
    if (w.prevKv) {
      if (matchWithPrev == null) {
        matchWithPrev = EventMapper.toPublic(e, true);
      }
      pub = matchWithPrev;
    } else {
      if (matchPlain == null) {
        matchPlain = EventMapper.toPublic(e, false);
      }
      pub = matchPlain;
    }
    w.scratch.add(pub);
    w.scratchBytes += EventMapper.sizeBytes(e, w.prevKv);
  }

  /**
   * The store was replaced by a snapshot installed from the leader (etcd's {@code
   * watchableStore.Restore}); call on the applier thread after the {@code views} supplier returns
   * the restored store, before notifying any revision after it. Every synced watcher becomes
   * unsynced at its position and catches up from the restored store: it goes on seamlessly when the
   * restored history still holds every revision from its position, and ends with {@code
   * CompactedException} (carrying the restored store's compacted revision and its position) when
   * the leader compacted some away. Watchers already catching up simply read the new store from
   * their position. Notifications continue at {@code restored.revision() + 1}.
   *
   * @throws IllegalArgumentException when {@code restored} is behind the last notified revision (a
   *     snapshot from the leader is always ahead of what this member applied)
   */
  public void restore(MvccView restored) {
    Objects.requireNonNull(restored, "restored");
    int moved = 0;
    synchronized (groupLock) {
      if (closed) {
        return;
      }
      long revision = restored.revision();
      if (revision < lastNotified) {
        throw new IllegalArgumentException(
            "restore to revision "
                + revision
                + " behind the last notified revision "
                + lastNotified
                + ": a restored snapshot must not go back in history");
      }
      for (WatcherState w : registry.values()) {
        if (w.synced) {
          w.synced = false;
          catchUp.add(w); // its nextRev is the first revision it still needs
          moved++;
        }
      }
      synced.clear();
      lastNotified = revision;
    }
    LOG.info(
        "watch hub of {}: store restored at revision {}; {} synced watchers catch up from it",
        memberName,
        restored.revision(),
        moved);
    catchUp.kick();
  }

  // --------------------------------------------------------------------------- catch-up side

  /** Queues a catch-up response (hub thread). */
  void deliverCatchUp(WatcherState w, WatchResponse response, long bytes) {
    if (w.enqueue(response, response.events().size(), bytes)) {
      w.schedule();
    }
  }

  /**
   * Moves a watcher that has every event up to {@code viewRevision} queued into the synced group,
   * if the applier has not notified a later revision; returns false when it must catch up more.
   */
  boolean tryHandoff(WatcherState w, long viewRevision) {
    boolean schedule = false;
    synchronized (groupLock) {
      if (closed || w.cancelled || w.isEnded()) {
        return true;
      }
      if (viewRevision < lastNotified) {
        return false;
      }
      // a watcher moved here by restore() may start beyond the view (a future start revision)
      w.nextRev = Math.max(w.nextRev, viewRevision + 1);
      w.caughtUpTo = viewRevision;
      w.synced = true;
      w.sentSinceTick = true;
      synced.add(w);
      if (w.progressRequested) {
        w.progressRequested = false;
        schedule = queueProgress(w);
      }
    }
    if (schedule) {
      w.schedule();
    }
    return true;
  }

  /** Ends a catching-up watcher with an error, after the events already queued (hub thread). */
  void fail(WatcherState w, Throwable error) {
    synchronized (groupLock) {
      if (w.cancelled) {
        return;
      }
      w.cancelled = true;
      unregister(w);
    }
    if (w.end(error, false)) {
      w.schedule();
    }
  }

  void kickCatchUp() {
    catchUp.kick();
  }

  int maxPendingEvents() {
    return maxPendingEvents;
  }

  long maxPendingBytes() {
    return maxPendingBytes;
  }

  // ----------------------------------------------------------------------------------- progress

  /** A periodic progress tick (hub thread, or the injected timer's thread). */
  void progressTick() {
    ArrayList<WatcherState> ws = new ArrayList<>();
    synchronized (groupLock) {
      if (closed) {
        return;
      }
      for (WatcherState w : registry.values()) {
        if (!w.progressNotify || !w.synced) {
          continue;
        }
        if (!w.sentSinceTick && w.isQueueEmpty() && queueProgress(w)) {
          ws.add(w);
        }
        w.sentSinceTick = false;
      }
    }
    for (WatcherState w : ws) {
      w.schedule();
    }
  }

  /** Under the group lock, for a synced watcher: queues a bookmark. */
  private boolean queueProgress(WatcherState w) {
    long bookmark = Math.max(lastNotified, w.caughtUpTo);
    return w.enqueue(WatchResponse.progress(header(bookmark)), 0, 0);
  }

  Header header(long revision) {
    return new Header(clusterId.getAsLong(), memberId, revision, raftTerm.getAsLong());
  }

  // ------------------------------------------------------------------------------------ state

  /** Counts for metrics: every open watcher, and how many of them are synced. */
  public record Stats(int watchers, int synced, long lastNotifiedRevision) {
    /** Watchers behind (catching up from history). */
    public int unsynced() {
      return watchers - synced;
    }
  }

  public Stats stats() {
    synchronized (groupLock) {
      return new Stats(registry.size(), synced.size(), lastNotified);
    }
  }

  /**
   * Ends every watch with {@code onError(NodeClosedException)} (undelivered responses are dropped),
   * stops the progress timer and the hub's thread, and waits up to 10 s for the thread to end
   * (unless called on it). Idempotent; later {@code watch} calls end at once the same way.
   */
  @Override
  public void close() {
    List<WatcherState> ws;
    synchronized (groupLock) {
      if (closed) {
        return;
      }
      closed = true;
      ws = new ArrayList<>(registry.values());
      registry.clear();
      synced.clear();
      for (WatcherState w : ws) {
        w.cancelled = true;
        w.synced = false;
      }
    }
    NodeClosedException error = new NodeClosedException(memberName);
    for (WatcherState w : ws) {
      if (w.end(error, true)) {
        w.schedule();
      }
    }
    progressTimer.cancel();
    hubThread.shutdownNow();
    if (Thread.currentThread() != thread) {
      try {
        if (!hubThread.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("watch hub of {}: its thread did not stop within 10 s", memberName);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------------------------- builder

  /**
   * Builds a {@link WatchHub}; {@link #build()} checks every setting and starts the hub's thread.
   * Not thread-safe.
   */
  public static final class Builder {
    private String memberName;
    private java.util.function.LongSupplier clusterId = () -> 0;
    private long memberId;
    private LongSupplier raftTerm = () -> 0;
    private Supplier<MvccView> views;
    private Executor callbackExecutor;
    private Duration progressNotifyInterval = Duration.ofMinutes(10);
    private ProgressTimer progressTimer;
    private int maxPendingEventsPerWatcher = 1024;
    private long maxPendingBytesPerWatcher = 4L << 20;
    private int catchUpPageEvents = 1000;
    private int maxWatchers = 100_000;

    private Builder() {}

    /** The member's name (thread name, {@code NodeClosedException}). Required. */
    public Builder memberName(String memberName) {
      this.memberName = Objects.requireNonNull(memberName, "memberName");
      return this;
    }

    /** Ids for response headers. */
    public Builder ids(long clusterId, long memberId) {
      return ids(() -> clusterId, memberId);
    }

    /**
     * The cluster id as it is known now (a joining member learns it from the cluster) and this
     * member's id, for response headers.
     */
    public Builder ids(java.util.function.LongSupplier clusterId, long memberId) {
      this.clusterId = clusterId;
      this.memberId = memberId;
      return this;
    }

    /** The current Raft term, for response headers (0 when unset). */
    public Builder raftTerm(LongSupplier raftTerm) {
      this.raftTerm = Objects.requireNonNull(raftTerm, "raftTerm");
      return this;
    }

    /** The store's current immutable view ({@code MvccStore::view}). Required. */
    public Builder views(Supplier<MvccView> views) {
      this.views = Objects.requireNonNull(views, "views");
      return this;
    }

    /** Where listeners run (never on the applier or the hub thread, unless it is direct). */
    public Builder callbackExecutor(Executor callbackExecutor) {
      this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
      return this;
    }

    public Builder progressNotifyInterval(Duration interval) {
      this.progressNotifyInterval = Objects.requireNonNull(interval, "progressNotifyInterval");
      return this;
    }

    /** Replaces the hub's own timer for periodic progress (simulated time, tests). */
    public Builder progressTimer(ProgressTimer progressTimer) {
      this.progressTimer = Objects.requireNonNull(progressTimer, "progressTimer");
      return this;
    }

    /** Events queued per watcher before it falls back to catch-up (default 1024). */
    public Builder maxPendingEventsPerWatcher(int events) {
      this.maxPendingEventsPerWatcher = events;
      return this;
    }

    /** Bytes queued per watcher before it falls back to catch-up (default 4 MiB). */
    public Builder maxPendingBytesPerWatcher(long bytes) {
      this.maxPendingBytesPerWatcher = bytes;
      return this;
    }

    /**
     * The most open watches (default 100,000); one more ends at once with {@code
     * onError(TooManyWatchersException)}, without CREATED.
     */
    public Builder maxWatchers(int maxWatchers) {
      this.maxWatchers = maxWatchers;
      return this;
    }

    /** Events read from history per catch-up step (default 1000). */
    public Builder catchUpPageEvents(int events) {
      this.catchUpPageEvents = events;
      return this;
    }

    public WatchHub build() {
      if (memberName == null || memberName.isBlank()) {
        throw new IllegalStateException("memberName is required (it names the hub's thread)");
      }
      if (views == null) {
        throw new IllegalStateException("views is required: the hub reads history from it");
      }
      if (callbackExecutor == null) {
        throw new IllegalStateException("callbackExecutor is required: listeners run on it");
      }
      if (progressNotifyInterval.isZero() || progressNotifyInterval.isNegative()) {
        throw new IllegalStateException(
            "progressNotifyInterval must be positive, got " + progressNotifyInterval);
      }
      if (maxPendingEventsPerWatcher < 2) {
        throw new IllegalStateException(
            "maxPendingEventsPerWatcher must be >= 2 (catch-up refills at half), got "
                + maxPendingEventsPerWatcher);
      }
      if (maxPendingBytesPerWatcher < 2) {
        throw new IllegalStateException(
            "maxPendingBytesPerWatcher must be >= 2, got " + maxPendingBytesPerWatcher);
      }
      if (maxWatchers < 1) {
        throw new IllegalStateException("maxWatchers must be positive, got " + maxWatchers);
      }
      if (catchUpPageEvents < 1) {
        throw new IllegalStateException(
            "catchUpPageEvents must be positive, got " + catchUpPageEvents);
      }
      return new WatchHub(this);
    }
  }
}
