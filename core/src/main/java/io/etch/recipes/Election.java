package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.NoElectionLeaderException;
import io.etch.SessionLostException;
import io.etch.kv.KV;
import io.etch.kv.KeyValue;
import io.etch.kv.TxnResponse;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import io.etch.watch.Watch;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election by etcd's algorithm ({@code concurrency.Election}).
 *
 * <p>Each candidate writes {@code name/<session lease id in hex>} with its value, attached to its
 * session's lease; the candidate whose key has the lowest create revision leads. A candidate that
 * is not first waits for the deletion of the key just ahead of it (no thundering herd, as {@link
 * Lock}), so leadership passes in campaign order. The leader's create revision is a fencing token
 * like a lock's, and {@link Leadership#isLeader()} gives a compare for guarded writes.
 *
 * <p>{@link #leader} reads the current leader; {@link #observe} follows it: it reports the leader
 * (key, value, revision) each time it or its proclaimed value changes, and when there is none.
 *
 * <p>Futures complete on the node's callback executor. Failures: {@link
 * io.etch.NotElectionLeaderException} from {@link Leadership#proclaim} and {@link
 * Leadership#resign} once leadership is lost, {@link NoElectionLeaderException} from {@link
 * #leader} when nobody leads, {@link SessionLostException} when the campaigner's session is lost
 * while it waits, and the KV errors of the requests.
 */
public final class Election {
  private final KV kv;
  private final Watch watch;

  private Election(KV kv, Watch watch) {
    this.kv = kv;
    this.watch = watch;
  }

  /** Elections read and observed through {@code node}. */
  public static Election on(EtcdNode node) {
    Objects.requireNonNull(node, "node");
    return new Election(node.kv(), node.watch());
  }

  /**
   * Campaigns in the election {@code name}; see {@link #campaign(Session, ByteSequence,
   * ByteSequence)}.
   */
  public CompletableFuture<Leadership> campaign(Session session, String name, String value) {
    return campaign(session, ByteSequence.from(name), ByteSequence.from(value));
  }

  /**
   * Campaigns for leadership of the election {@code name} with {@code value}, and completes once
   * this session leads. If the session already campaigns in this election, its value is replaced.
   * Fails with {@link SessionLostException} (its key deleted) if the session is lost first.
   */
  public CompletableFuture<Leadership> campaign(
      Session session, ByteSequence name, ByteSequence value) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(value, "value");
    ByteSequence prefix = Keys.prefix(name, "election name");
    try {
      session.checkLive("campaign in '" + name + "'");
    } catch (SessionLostException e) {
      return CompletableFuture.failedFuture(e);
    }
    ByteSequence myKey = Keys.sessionKey(prefix, session.leaseId());
    PutOption withLease = PutOption.builder().withLeaseId(session.leaseId()).build();
    return session
        .kv()
        .txn()
        .If(new Cmp(myKey, Cmp.Result.EQUAL, CmpTarget.createRevision(0)))
        .Then(Op.put(myKey, value, withLease))
        .Else(Op.get(myKey, GetOption.DEFAULT))
        .commit()
        .thenCompose(resp -> proclaimIfRejoined(session, myKey, value, withLease, resp))
        .thenCompose(
            myRev ->
                DeletionWaiter.await(session, prefix, myRev - 1)
                    .thenCompose(h -> session.kv().get(myKey))
                    .thenApply(
                        r -> {
                          if (r.kvs().isEmpty() || r.kvs().get(0).createRevision() != myRev) {
                            throw new SessionLostException(
                                session.leaseId(), "campaign key " + myKey + " is gone");
                          }
                          return new Leadership(session, name, myKey, r.kvs().get(0), r.header());
                        })
                    .whenComplete(
                        (l, error) -> {
                          if (error != null) {
                            session
                                .kv()
                                .txn()
                                .If(
                                    new Cmp(
                                        myKey, Cmp.Result.EQUAL, CmpTarget.createRevision(myRev)))
                                .Then(Op.delete(myKey, DeleteOption.DEFAULT))
                                .commit();
                          }
                        }));
  }

  /** The campaign key's create revision, after replacing the value of a key that existed. */
  private static CompletableFuture<Long> proclaimIfRejoined(
      Session session,
      ByteSequence myKey,
      ByteSequence value,
      PutOption withLease,
      TxnResponse resp) {
    if (resp.succeeded()) {
      return CompletableFuture.completedFuture(resp.header().revision());
    }
    KeyValue existing = resp.getResponses().get(0).kvs().get(0);
    long myRev = existing.createRevision();
    if (existing.value().equals(value)) {
      return CompletableFuture.completedFuture(myRev);
    }
    return session
        .kv()
        .txn()
        .If(new Cmp(myKey, Cmp.Result.EQUAL, CmpTarget.createRevision(myRev)))
        .Then(Op.put(myKey, value, withLease))
        .commit()
        .thenApply(r -> myRev);
  }

  /** The current leader of {@code name}; see {@link #leader(ByteSequence)}. */
  public CompletableFuture<LeaderInfo> leader(String name) {
    return leader(ByteSequence.from(name));
  }

  /**
   * The current leader of the election {@code name} (a linearizable read); fails with {@link
   * NoElectionLeaderException} when nobody campaigns.
   */
  public CompletableFuture<LeaderInfo> leader(ByteSequence name) {
    ByteSequence prefix = Keys.prefix(name, "election name");
    return kv.get(prefix, Keys.firstCreated())
        .thenApply(
            r -> {
              if (r.kvs().isEmpty()) {
                throw new NoElectionLeaderException(name);
              }
              return LeaderInfo.of(name, r.kvs().get(0));
            });
  }

  /** Follows the leader of {@code name}; see {@link #observe(ByteSequence, Observer)}. */
  public Subscription observe(String name, Observer observer) {
    return observe(ByteSequence.from(name), observer);
  }

  /**
   * Follows the leader of the election {@code name}: the observer first hears the current leader
   * (or that there is none), then every change of leader or of the leader's value. Calls run on the
   * node's callback executor, one at a time, in order; close the returned subscription to stop.
   */
  public Subscription observe(ByteSequence name, Observer observer) {
    Objects.requireNonNull(observer, "observer");
    ByteSequence prefix = Keys.prefix(name, "election name");
    PrefixMirror mirror =
        new PrefixMirror(
            kv,
            watch,
            prefix,
            new PrefixMirror.Listener() {
              private Optional<LeaderInfo> last;

              @Override
              public void onView(long revision, NavigableMap<ByteSequence, KeyValue> view) {
                Optional<LeaderInfo> now = leaderOf(name, view);
                if (last == null || !last.equals(now)) {
                  last = now;
                  observer.onLeader(now);
                }
              }

              @Override
              public void onError(Throwable error) {
                observer.onError(error);
              }
            });
    mirror.start();
    return mirror::close;
  }

  private static Optional<LeaderInfo> leaderOf(
      ByteSequence name, NavigableMap<ByteSequence, KeyValue> view) {
    KeyValue first = null;
    for (Map.Entry<ByteSequence, KeyValue> e : view.entrySet()) {
      if (first == null || e.getValue().createRevision() < first.createRevision()) {
        first = e.getValue();
      }
    }
    return first == null ? Optional.empty() : Optional.of(LeaderInfo.of(name, first));
  }

  /** Hears the leader of an observed election. */
  public interface Observer {
    /** The leader now, or empty when nobody campaigns. */
    void onLeader(Optional<LeaderInfo> leader);

    /** Observing stopped for good (the node closed, or an error); nothing follows. */
    default void onError(Throwable error) {}
  }
}
