package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.NodeClosedException;
import io.etch.SessionLostException;
import io.etch.kv.GetResponse;
import io.etch.kv.Header;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.util.concurrent.CompletableFuture;

/**
 * Waits, without a thundering herd, until every key under a prefix created at or before a revision
 * is gone (etcd's {@code waitDeletes}).
 *
 * <p>A contender whose key was created at revision {@code r} is next in line once no key under the
 * prefix has a create revision below {@code r}. Instead of watching the whole prefix (which would
 * wake every contender at every release), it finds the youngest older key and watches only that one
 * for its deletion; then it looks again, since an even older key may still be there. Each release
 * therefore wakes exactly one waiter.
 *
 * <p>The wait ends exceptionally with {@link SessionLostException} as soon as the waiter's session
 * is lost, and with the watch's error if the watch fails (a compacted start revision is not an
 * error: the key is looked up again).
 */
final class DeletionWaiter {
  private final Session session;
  private final ByteSequence prefix;
  private final long maxCreateRevision;
  private final CompletableFuture<Header> done = new CompletableFuture<>();

  private DeletionWaiter(Session session, ByteSequence prefix, long maxCreateRevision) {
    this.session = session;
    this.prefix = prefix;
    this.maxCreateRevision = maxCreateRevision;
  }

  /**
   * Completes with the header of the read that found no older key, once every key under {@code
   * prefix} with a create revision at or below {@code maxCreateRevision} is deleted.
   */
  static CompletableFuture<Header> await(
      Session session, ByteSequence prefix, long maxCreateRevision) {
    DeletionWaiter w = new DeletionWaiter(session, prefix, maxCreateRevision);
    session
        .lost()
        .thenAccept(
            reason ->
                w.done.completeExceptionally(
                    new SessionLostException(
                        session.leaseId(), "while waiting on '" + prefix + "' (" + reason + ")")));
    w.lookAgain();
    return w.done;
  }

  private void lookAgain() {
    if (done.isDone()) {
      return;
    }
    if (maxCreateRevision < 1) {
      // nothing can have been created before the first revision (and a max-create filter of 0
      // would mean "no filter")
      session
          .kv()
          .get(prefix, Keys.firstCreated())
          .whenComplete(
              (r, error) -> {
                if (error != null) {
                  done.completeExceptionally(Keys.cause(error));
                } else {
                  done.complete(r.header());
                }
              });
      return;
    }
    session
        .kv()
        .get(prefix, Keys.lastCreatedUpTo(maxCreateRevision))
        .whenComplete(
            (resp, error) -> {
              if (error != null) {
                done.completeExceptionally(Keys.cause(error));
              } else if (resp.kvs().isEmpty()) {
                done.complete(resp.header());
              } else {
                watchDeletion(resp);
              }
            });
  }

  private void watchDeletion(GetResponse resp) {
    ByteSequence key = resp.kvs().get(0).key();
    WatchOption option =
        WatchOption.builder().withRevision(resp.header().revision()).withNoPut(true).build();
    Watcher watcher;
    try {
      watcher =
          session
              .watch()
              .watch(
                  key,
                  option,
                  new Watch.Listener() {
                    private boolean fired;

                    @Override
                    public void onNext(WatchResponse response) {
                      if (fired) {
                        return;
                      }
                      for (WatchEvent e : response.events()) {
                        if (e.type() == WatchEvent.EventType.DELETE) {
                          fired = true;
                          lookAgain();
                          return;
                        }
                      }
                    }

                    @Override
                    public void onError(Throwable error) {
                      Throwable c = Keys.cause(error);
                      if (c instanceof CompactedException) {
                        // the history we wanted is gone; the current state tells enough
                        fired = true;
                        lookAgain();
                      } else {
                        done.completeExceptionally(c);
                      }
                    }

                    @Override
                    public void onCompleted() {
                      if (!fired) {
                        done.completeExceptionally(new NodeClosedException("watch on " + key));
                      }
                    }
                  });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return;
    }
    done.whenComplete((h, e) -> watcher.close());
  }
}
