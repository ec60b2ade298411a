package io.etch.internal.watch;

import io.etch.CompactedException;
import io.etch.storage.mvcc.Event;
import io.etch.storage.mvcc.HistoryPage;
import io.etch.storage.mvcc.MvccView;
import io.etch.storage.mvcc.Revision;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The unsynced group and its catch-up loop (etcd's {@code syncWatchersLoop}), run on the hub's own
 * thread.
 *
 * <p>A watcher lands here when it starts at an old revision or when its queue was over the bound
 * while the applier had a revision for it. The applier hands it over through {@link #incoming} with
 * {@code nextRev} = the first revision it still needs; from then on this thread alone moves its
 * position. Each pass gives every unsynced watcher one step:
 *
 * <ol>
 *   <li>If its queue is more than half full, wait: the drain task kicks a pass once it is not.
 *   <li>Read one page of {@code MvccView.history} from {@code nextRev}. A page ends on a whole
 *       revision: events of the revision a page boundary cut are not delivered now but re-read from
 *       that revision's start on the next step (and when a single revision is larger than a page,
 *       pages are read on until it is complete), so a response never splits a revision. Compacted
 *       history ends the watch with {@link CompactedException}.
 *   <li>When it has everything up to the view's revision V, ask the hub to hand it to the synced
 *       group ({@link WatchHub#tryHandoff}): under the group lock, if the applier has not notified
 *       anything beyond V, the watcher joins the synced group with {@code nextRev = V + 1} — the
 *       applier skips a watcher for revisions below its {@code nextRev}, so revisions the store
 *       already holds but the applier has not yet notified are not delivered twice. Otherwise (the
 *       applier moved on meanwhile) it stays here for another step.
 * </ol>
 */
final class CatchUp implements Runnable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatchUp.class);
  private final WatchHub hub;
  private final Supplier<MvccView> views;
  private final Executor hubThread;
  private final int pageEvents;
  private final ConcurrentLinkedQueue<WatcherState> incoming = new ConcurrentLinkedQueue<>();
  private final LinkedHashSet<WatcherState> unsynced = new LinkedHashSet<>();
  private final AtomicBoolean passScheduled = new AtomicBoolean();

  CatchUp(WatchHub hub, Supplier<MvccView> views, Executor hubThread, int pageEvents) {
    this.hub = hub;
    this.views = views;
    this.hubThread = hubThread;
    this.pageEvents = pageEvents;
  }

  /** Hands {@code w} over (its position must be set); call {@link #kick()} afterwards. */
  void add(WatcherState w) {
    incoming.add(w);
  }

  /** Schedules a pass on the hub thread unless one is already scheduled. Any thread. */
  void kick() {
    if (passScheduled.compareAndSet(false, true)) {
      try {
        hubThread.execute(this);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        passScheduled.set(false); // the hub is closing; its close() ends every watcher
      }
    }
  }

  @Override
  public void run() {
    passScheduled.set(false);
    for (WatcherState w; (w = incoming.poll()) != null; ) {
      unsynced.add(w);
    }
    boolean again = false;
    for (Iterator<WatcherState> it = unsynced.iterator(); it.hasNext(); ) {
      WatcherState w = it.next();
      switch (step(w)) {
        case DONE -> it.remove();
        case AGAIN -> again = true;
        case WAITING -> {}
      }
    }
    if (again) {
      kick();
    }
  }

  private enum Step {
    DONE,
    AGAIN,
    WAITING
  }

  private Step step(WatcherState w) {
    if (w.isEnded()) {
      return Step.DONE;
    }
    if (!w.hasRoomOrAwait(hub.maxPendingEvents(), hub.maxPendingBytes())) {
      return Step.WAITING;
    }
    MvccView view = views.get();
    long current = view.revision();
    if (w.nextRev <= current) {
      if (w.selectsNothing()) {
        w.nextRev = current + 1;
      } else {
        try {
          readPage(w, view);
        } catch (io.etch.storage.mvcc.CompactedException e) {
          hub.fail(w, new CompactedException(e.compactedRevision(), w.nextRev));
          return Step.DONE;
        } catch (RuntimeException e) {
          // the store refused the read (e.g. a watched key longer than the store's key limit):
          // end this watch with the store's error rather than stall every other catch-up
          LOG.warn("{}: history read failed at revision {}; the watch ends", w, w.nextRev, e);
          hub.fail(w, e);
          return Step.DONE;
        }
        if (w.nextRev <= current) {
          return Step.AGAIN;
        }
      }
    }
    return hub.tryHandoff(w, current) ? Step.DONE : Step.AGAIN;
  }

  /** Queues the next whole revisions of history for {@code w} and advances its position. */
  private void readPage(WatcherState w, MvccView view) {
    byte[] rangeEnd = w.range.rangeEnd().unsafeBytes();
    List<Event> read = new ArrayList<>();
    Revision from = new Revision(w.nextRev, 0);
    long next;
    int complete;
    while (true) {
      HistoryPage page = view.history(w.start, rangeEnd, from, pageEvents);
      read.addAll(page.events());
      if (!page.more()) {
        complete = read.size();
        next = view.revision() + 1;
        break;
      }
      long cut = page.next().main();
      complete = 0;
      while (complete < read.size() && read.get(complete).revision().main() < cut) {
        complete++;
      }
      if (complete > 0) {
        next = cut; // the cut revision is re-read whole on the next step
        break;
      }
      from = page.next(); // one revision larger than a page: read on until it is whole
    }
    List<WatchEvent> out = new ArrayList<>(complete);
    long bytes = 0;
    for (int i = 0; i < complete; i++) {
      Event e = read.get(i);
      if (w.accepts(e)) {
        out.add(EventMapper.toPublic(e, w.prevKv));
        bytes += EventMapper.sizeBytes(e, w.prevKv);
      }
    }
    w.nextRev = next;
    if (!out.isEmpty()) {
      hub.deliverCatchUp(w, WatchResponse.events(hub.header(view.revision()), out), bytes);
    }
  }
}
