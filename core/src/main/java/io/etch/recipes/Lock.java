package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.LockHeldException;
import io.etch.SessionLostException;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.kv.TxnResponse;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed mutex with fencing tokens, by etcd's algorithm ({@code concurrency.Mutex}).
 *
 * <h2>How it works</h2>
 *
 * To lock {@code name}, a contender writes the key {@code name/<session lease id in hex>}, attached
 * to its session's lease, in a transaction that also reads the oldest key under {@code name/}. Keys
 * are ordered by their create revision, which the cluster assigns in commit order, so the
 * contenders form a queue: the one whose key is oldest holds the lock. A contender that is not
 * first waits only for the deletion of the key just ahead of it ({@link DeletionWaiter}), so a
 * release wakes one waiter, not all of them. A holder releases by deleting its key; a holder whose
 * process dies releases when the leader expires its session's lease.
 *
 * <h2>Fencing</h2>
 *
 * The lock's {@link LockOwnership#fencingToken() fencing token} is the create revision of the
 * holder's key. Tokens grow strictly from one holder to the next. A holder can be paused (GC, a
 * frozen VM) past its lease's TTL and wake up believing it still holds the lock while a new holder
 * works; a guarded resource that remembers the highest token it has seen and rejects lower ones
 * turns that into a rejected write instead of corruption. Writes into Etch itself can be guarded
 * the same way with {@link LockOwnership#isOwner()} as a transaction compare.
 *
 * <h2>Reentrancy</h2>
 *
 * A session has one key per lock name, so two {@code lock} calls for the same name on the same
 * session share one ownership (as in etcd); use one session per independent holder.
 *
 * <p>Futures complete on the node's callback executor. Failures: {@link LockHeldException} from
 * {@link #tryLock}, {@link SessionLostException} when the session is lost before or while waiting,
 * and the KV errors of the underlying requests (timeouts, no leader, node closed). A failed or
 * abandoned attempt deletes its key, so it never blocks others.
 */
public final class Lock {
  private final Session session;

  private Lock(Session session) {
    this.session = session;
  }

  /** Locks held by {@code session}. */
  public static Lock on(Session session) {
    return new Lock(Objects.requireNonNull(session, "session"));
  }

  /** The session whose lease the lock keys are attached to. */
  public Session session() {
    return session;
  }

  /** Waits until the lock named {@code name} is held by this session. */
  public CompletableFuture<LockOwnership> lock(String name) {
    return lock(ByteSequence.from(name));
  }

  /**
   * Waits until the lock named {@code name} is held by this session; completes with the ownership
   * (its key and fencing token). Fails with {@link SessionLostException} if the session is lost
   * first; the attempt's key is then deleted.
   */
  public CompletableFuture<LockOwnership> lock(ByteSequence name) {
    ByteSequence prefix = Keys.prefix(name, "lock name");
    return acquire(name, prefix)
        .thenCompose(
            attempt -> {
              if (attempt.isFirst()) {
                return CompletableFuture.completedFuture(attempt.own(attempt.header));
              }
              return DeletionWaiter.await(session, prefix, attempt.myRevision - 1)
                  .thenCompose(h -> session.kv().get(attempt.myKey))
                  .thenApply(
                      r -> {
                        if (r.kvs().isEmpty()
                            || r.kvs().get(0).createRevision() != attempt.myRevision) {
                          throw new SessionLostException(
                              session.leaseId(), "lock key " + attempt.myKey + " is gone");
                        }
                        return attempt.own(r.header());
                      })
                  .whenComplete(
                      (owned, error) -> {
                        if (error != null) {
                          attempt.abandon();
                        }
                      });
            });
  }

  /** Takes the lock named {@code name} if it is free; see {@link #tryLock(ByteSequence)}. */
  public CompletableFuture<LockOwnership> tryLock(String name) {
    return tryLock(ByteSequence.from(name));
  }

  /**
   * Takes the lock named {@code name} if no other session holds it, else fails at once with {@link
   * LockHeldException} (naming the holder's key) after removing this attempt's key.
   */
  public CompletableFuture<LockOwnership> tryLock(ByteSequence name) {
    ByteSequence prefix = Keys.prefix(name, "lock name");
    return acquire(name, prefix)
        .thenCompose(
            attempt -> {
              if (attempt.isFirst()) {
                return CompletableFuture.completedFuture(attempt.own(attempt.header));
              }
              ByteSequence holder = attempt.holder.key();
              return attempt
                  .abandon()
                  .thenApply(
                      ignored -> {
                        throw new LockHeldException(name, holder);
                      });
            });
  }

  private CompletableFuture<Attempt> acquire(ByteSequence name, ByteSequence prefix) {
    try {
      session.checkLive("lock '" + name + "'");
    } catch (SessionLostException e) {
      return CompletableFuture.failedFuture(e);
    }
    ByteSequence myKey = Keys.sessionKey(prefix, session.leaseId());
    GetOption owner = Keys.firstCreated();
    return session
        .kv()
        .txn()
        .If(new Cmp(myKey, Cmp.Result.EQUAL, CmpTarget.createRevision(0)))
        .Then(
            Op.put(
                myKey,
                ByteSequence.EMPTY,
                PutOption.builder().withLeaseId(session.leaseId()).build()),
            Op.get(prefix, owner))
        .Else(Op.get(myKey, GetOption.DEFAULT), Op.get(prefix, owner))
        .commit()
        .thenApply(resp -> new Attempt(name, myKey, resp));
  }

  /** One attempt at the lock: this session's key, its create revision, the current holder. */
  private final class Attempt {
    final ByteSequence name;
    final ByteSequence myKey;
    final long myRevision;
    final boolean created;
    final KeyValue holder;
    final io.etch.kv.Header header;

    Attempt(ByteSequence name, ByteSequence myKey, TxnResponse resp) {
      this.name = name;
      this.myKey = myKey;
      this.header = resp.header();
      this.created = resp.succeeded();
      List<GetResponse> gets = resp.getResponses();
      if (created) {
        myRevision = resp.header().revision();
        holder = first(gets.get(0));
      } else {
        myRevision = gets.get(0).kvs().get(0).createRevision();
        holder = first(gets.get(1));
      }
    }

    private static KeyValue first(GetResponse r) {
      return r.kvs().isEmpty() ? null : r.kvs().get(0);
    }

    boolean isFirst() {
      return holder == null || holder.createRevision() == myRevision;
    }

    LockOwnership own(io.etch.kv.Header at) {
      return new LockOwnership(session, name, myKey, myRevision, at);
    }

    /**
     * Removes this attempt's key if this attempt created it (a key that already existed belongs to
     * another call on the same session) and it is still the same incarnation.
     */
    CompletableFuture<Void> abandon() {
      if (!created) {
        return CompletableFuture.completedFuture(null);
      }
      return session
          .kv()
          .txn()
          .If(new Cmp(myKey, Cmp.Result.EQUAL, CmpTarget.createRevision(myRevision)))
          .Then(Op.delete(myKey, DeleteOption.DEFAULT))
          .commit()
          .handle((r, e) -> null);
    }
  }
}
