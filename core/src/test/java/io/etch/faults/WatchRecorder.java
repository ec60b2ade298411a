package io.etch.faults;

import io.etch.EtcdNode;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.util.ArrayList;
import java.util.List;

/**
 * One member's watcher over every workload key, from revision 1, kept across the member's restarts
 * and watch-hub rebuilds: when a watch ends (member closed, snapshot installed), {@link
 * #ensureWatching} resumes it on the member's running instance from the last revision seen + 1, as
 * a client would. It records every response's events, so {@link HistoryChecks} can check order,
 * uniqueness, gaps and atomicity.
 */
final class WatchRecorder {
  /** One watch event as recorded: type, key, value (null for a delete), mod revision. */
  record Event(boolean put, String key, String value, long revision) {}

  private final String member;
  private final long firstRevision;
  private final List<List<Event>> responses = new ArrayList<>();
  private EtcdNode watching;
  private Watcher watcher;
  private boolean broken = true;
  private long lastRevision;
  private int resumes;

  WatchRecorder(String member) {
    this(member, 1);
  }

  /** A recorder whose watch starts at {@code firstRevision} (a member that joined later). */
  WatchRecorder(String member, long firstRevision) {
    this.member = member;
    this.firstRevision = firstRevision;
    this.lastRevision = firstRevision - 1;
  }

  long firstRevision() {
    return firstRevision;
  }

  String member() {
    return member;
  }

  /** (Re)starts the watch on {@code node} if it is not watching there. */
  synchronized void ensureWatching(EtcdNode node) {
    if (node == null || (!broken && node == watching)) {
      return;
    }
    if (watcher != null) {
      watcher.close();
    }
    watching = node;
    broken = false;
    if (watcher != null) {
      resumes++;
    }
    WatchOption option =
        WatchOption.builder().isPrefix(true).withRevision(lastRevision + 1).build();
    EtcdNode target = node;
    try {
      watcher =
          node.watch()
              .watch(
                  Workload.bs(Workload.PREFIX),
                  option,
                  new Watch.Listener() {
                    @Override
                    public void onNext(WatchResponse response) {
                      record(target, response);
                    }

                    @Override
                    public void onError(Throwable error) {
                      end(target);
                    }

                    @Override
                    public void onCompleted() {
                      end(target);
                    }
                  });
    } catch (RuntimeException e) {
      broken = true;
    }
  }

  private synchronized void record(EtcdNode from, WatchResponse response) {
    if (from != watching || response.events().isEmpty()) {
      return;
    }
    List<Event> events = new ArrayList<>();
    for (WatchEvent e : response.events()) {
      boolean put = e.type() == WatchEvent.EventType.PUT;
      events.add(
          new Event(
              put,
              e.kv().key().toString(),
              put ? e.kv().value().toString() : null,
              e.kv().modRevision()));
    }
    responses.add(events);
    lastRevision = events.get(events.size() - 1).revision();
  }

  private synchronized void end(EtcdNode from) {
    if (from == watching) {
      broken = true;
    }
  }

  /** Ends the watch and lets go of the member's instance. */
  synchronized void close() {
    if (watcher != null) {
      watcher.close();
    }
    broken = true;
    watching = null;
  }

  synchronized List<List<Event>> responses() {
    return List.copyOf(responses);
  }

  synchronized long lastRevision() {
    return lastRevision;
  }

  synchronized int resumes() {
    return resumes;
  }
}
