package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.kv.KV;
import io.etch.kv.KeyValue;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A local mirror of every key under a prefix: the current set first, then every change, each
 * delivered as a consistent view at one revision.
 *
 * <p>It reads the prefix at revision R, delivers that view, then watches the prefix from R + 1 and
 * applies each watch response (whole revisions, in order — the watch guarantees it) to the mirror
 * before delivering the new view. If the watch falls so far behind that its history was compacted,
 * it reads the prefix again and carries on from there: views may then skip revisions, but each one
 * is still a state the cluster really had. Views are delivered on the node's callback executor, one
 * at a time, in revision order.
 */
final class PrefixMirror implements AutoCloseable {
  /** Hears the views. */
  interface Listener {
    /** The keys under the prefix (by key) as of {@code revision}. */
    void onView(long revision, NavigableMap<ByteSequence, KeyValue> view);

    /** The mirror stopped for good (node closed, or an unexpected error). */
    void onError(Throwable error);
  }

  private final KV kv;
  private final Watch watch;
  private final ByteSequence prefix;
  private final Listener listener;
  private final TreeMap<ByteSequence, KeyValue> state = new TreeMap<>();
  private Watcher watcher;
  private long generation;
  private boolean closed;

  PrefixMirror(KV kv, Watch watch, ByteSequence prefix, Listener listener) {
    this.kv = Objects.requireNonNull(kv, "kv");
    this.watch = Objects.requireNonNull(watch, "watch");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Starts mirroring; returns this. */
  PrefixMirror start() {
    resync();
    return this;
  }

  private synchronized void resync() {
    if (closed) {
      return;
    }
    long gen = ++generation;
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    kv.get(prefix, Keys.allUnder())
        .whenComplete(
            (resp, error) -> {
              synchronized (this) {
                if (closed || gen != generation) {
                  return;
                }
                if (error != null) {
                  fail(Keys.cause(error));
                  return;
                }
                state.clear();
                for (KeyValue kvp : resp.kvs()) {
                  state.put(kvp.key(), kvp);
                }
                long rev = resp.header().revision();
                listener.onView(rev, Collections.unmodifiableNavigableMap(new TreeMap<>(state)));
                watchFrom(rev + 1, gen);
              }
            });
  }

  private void watchFrom(long revision, long gen) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    try {
      watcher =
          watch.watch(
              prefix,
              option,
              new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                  if (response.events().isEmpty()) {
                    return;
                  }
                  synchronized (PrefixMirror.this) {
                    if (closed || gen != generation) {
                      return;
                    }
                    long last = 0;
                    for (WatchEvent e : response.events()) {
                      if (last != 0 && e.kv().modRevision() != last) {
                        deliver(last);
                      }
                      apply(e);
                      last = e.kv().modRevision();
                    }
                    deliver(last);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  Throwable c = Keys.cause(error);
                  if (c instanceof CompactedException) {
                    resync();
                  } else {
                    synchronized (PrefixMirror.this) {
                      if (!closed && gen == generation) {
                        fail(c);
                      }
                    }
                  }
                }

                @Override
                public void onCompleted() {
                  // closed by us
                }
              });
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void apply(WatchEvent e) {
    switch (e.type()) {
      case PUT -> state.put(e.kv().key(), e.kv());
      case DELETE -> state.remove(e.kv().key());
    }
  }

  private void deliver(long revision) {
    listener.onView(revision, Collections.unmodifiableNavigableMap(new TreeMap<>(state)));
  }

  private void fail(Throwable error) {
    closed = true;
    listener.onError(error);
  }

  /** Stops mirroring; no view is delivered after this returns. */
  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }
}
