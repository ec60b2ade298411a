package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.kv.Header;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import java.util.concurrent.CompletableFuture;

/**
 * A held lock: its key, its fencing token, and the means to release it or to hear that it is lost.
 *
 * <p>Ownership is <em>lost</em> when the session is lost (its lease expired or was revoked) or when
 * the lock key is deleted by anyone but {@link #unlock()} — a lost holder must stop using the
 * guarded resource, and a resource that checks fencing tokens will refuse it anyway. {@link
 * #lost()} completes then, once.
 */
public final class LockOwnership implements AutoCloseable {
  private final Session session;
  private final ByteSequence name;
  private final ByteSequence key;
  private final long fencingToken;
  private final Header header;
  private final KeyGuard guard;

  LockOwnership(Session session, ByteSequence name, ByteSequence key, long token, Header header) {
    this.session = session;
    this.name = name;
    this.key = key;
    this.fencingToken = token;
    this.header = header;
    this.guard = KeyGuard.start(session, key, token, header.revision());
  }

  /** The lock's name. */
  public ByteSequence name() {
    return name;
  }

  /** The holder's key, {@code name/<lease id hex>} (etcd's lock response key). */
  public ByteSequence key() {
    return key;
  }

  /**
   * The fencing token: the create revision of the holder's key. It grows strictly from holder to
   * holder; pass it to guarded resources, which reject a token lower than one they have seen.
   */
  public long fencingToken() {
    return fencingToken;
  }

  /** The header of the read that established ownership. */
  public Header header() {
    return header;
  }

  /**
   * A transaction compare that holds only while this ownership does (etcd's {@code IsOwner}):
   * {@code txn().If(ownership.isOwner()).Then(...)} writes only if the lock is still held.
   */
  public Cmp isOwner() {
    return new Cmp(key, Cmp.Result.EQUAL, CmpTarget.createRevision(fencingToken));
  }

  /** Whether the ownership is still believed held (not lost, not unlocked). */
  public boolean isHeld() {
    return !guard.gone().isDone();
  }

  /**
   * Completes, once, when the ownership ends: lost (session gone or key deleted by someone else) or
   * released by {@link #unlock()}. Completes with {@code true} when it was lost, {@code false} when
   * it was released.
   */
  public CompletableFuture<Boolean> lost() {
    return guard.gone().copy();
  }

  /**
   * Releases the lock: deletes the key if it is still this ownership's (a compare on its create
   * revision, so a later holder's key is never touched). Completes with {@code true} when the key
   * was still this ownership's — the lock was held without interruption until now — and {@code
   * false} when it was already gone (ownership had been lost).
   */
  public CompletableFuture<Boolean> unlock() {
    guard.release();
    return session
        .kv()
        .txn()
        .If(isOwner())
        .Then(Op.delete(key, DeleteOption.DEFAULT))
        .commit()
        .thenApply(r -> r.succeeded());
  }

  /** {@link #unlock()} and wait; failures are left to the lease's expiry. */
  @Override
  public void close() {
    try {
      unlock().join();
    } catch (RuntimeException e) {
      // the key is attached to the session's lease; it goes when the lease does
    }
  }

  @Override
  public String toString() {
    return "LockOwnership{name=" + name + ", key=" + key + ", token=" + fencingToken + "}";
  }
}
