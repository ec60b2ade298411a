package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a key a recipe owns (a lock key, a campaign key) and the session it hangs on, and
 * completes {@link #gone()} when either ends: {@code true} when ownership was lost (the session is
 * lost, the key was deleted or re-created by someone else, or the watch failed and ownership can no
 * longer be vouched for), {@code false} when the owner released it.
 */
final class KeyGuard {
  private static final Logger LOG = LoggerFactory.getLogger(KeyGuard.class);

  private final CompletableFuture<Boolean> gone = new CompletableFuture<>();
  private volatile Watcher watcher;

  private KeyGuard() {}

  /**
   * Guards {@code key}, created at {@code createRevision}, from {@code fromRevision} on (the
   * revision at which ownership was confirmed).
   */
  static KeyGuard start(Session session, ByteSequence key, long createRevision, long fromRevision) {
    KeyGuard g = new KeyGuard();
    session.onLost(reason -> g.lose("session " + reason));
    WatchOption option = WatchOption.builder().withRevision(fromRevision + 1).build();
    try {
      g.watcher =
          session
              .watch()
              .watch(
                  key,
                  option,
                  new Watch.Listener() {
                    @Override
                    public void onNext(WatchResponse response) {
                      for (WatchEvent e : response.events()) {
                        if (e.type() == WatchEvent.EventType.DELETE
                            || e.kv().createRevision() != createRevision) {
                          g.lose("key " + key + " " + e.type());
                          return;
                        }
                      }
                    }

                    @Override
                    public void onError(Throwable error) {
                      g.lose("watch on " + key + " failed: " + Keys.cause(error));
                    }

                    @Override
                    public void onCompleted() {
                      // closed by release() or lose()
                    }
                  });
    } catch (RuntimeException e) {
      g.lose("watch on " + key + " refused: " + e);
    }
    if (g.gone.isDone()) {
      g.closeWatcher();
    }
    return g;
  }

  CompletableFuture<Boolean> gone() {
    return gone;
  }

  void release() {
    if (gone.complete(false)) {
      closeWatcher();
    }
  }

  private void lose(String why) {
    if (gone.complete(true)) {
      LOG.info("ownership lost: {}", why);
      closeWatcher();
    }
  }

  private void closeWatcher() {
    Watcher w = watcher;
    if (w != null) {
      w.close();
    }
  }
}
