package io.etch.recipes;

import io.etch.ByteSequence;
import io.etch.NotElectionLeaderException;
import io.etch.kv.Header;
import io.etch.kv.KeyValue;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.PutOption;
import java.util.concurrent.CompletableFuture;

/**
 * Won leadership of an election: proclaim new values, resign, or hear that it is lost.
 *
 * <p>Leadership is <em>lost</em> when the session is lost or the campaign key is deleted by anyone
 * but {@link #resign()}; {@link #lost()} completes then, once, with {@code true} (with {@code
 * false} after a resign). A leader that has lost must stop acting as one; its {@link
 * #fencingToken()} lets guarded resources refuse it.
 */
public final class Leadership implements AutoCloseable {
  private final Session session;
  private final ByteSequence name;
  private final ByteSequence key;
  private final long createRevision;
  private final Header header;
  private final KeyGuard guard;

  Leadership(Session session, ByteSequence name, ByteSequence key, KeyValue kv, Header header) {
    this.session = session;
    this.name = name;
    this.key = key;
    this.createRevision = kv.createRevision();
    this.header = header;
    this.guard = KeyGuard.start(session, key, createRevision, header.revision());
  }

  /** The election's name. */
  public ByteSequence name() {
    return name;
  }

  /** The campaign key, {@code name/<lease id hex>}. */
  public ByteSequence key() {
    return key;
  }

  /** The campaign key's create revision; strictly larger for every later leader. */
  public long fencingToken() {
    return createRevision;
  }

  /** The header of the read that established leadership. */
  public Header header() {
    return header;
  }

  /** A compare that holds only while this leadership does, for guarded transactions. */
  public Cmp isLeader() {
    return new Cmp(key, Cmp.Result.EQUAL, CmpTarget.createRevision(createRevision));
  }

  /** Whether leadership is still believed held (not lost, not resigned). */
  public boolean isHeld() {
    return !guard.gone().isDone();
  }

  /** Completes when leadership ends: {@code true} when lost, {@code false} after a resign. */
  public CompletableFuture<Boolean> lost() {
    return guard.gone().copy();
  }

  /**
   * Publishes a new value for observers, only while still leader; fails with {@link
   * NotElectionLeaderException} otherwise.
   */
  public CompletableFuture<Void> proclaim(ByteSequence value) {
    PutOption withLease = PutOption.builder().withLeaseId(session.leaseId()).build();
    return session
        .kv()
        .txn()
        .If(isLeader())
        .Then(Op.put(key, value, withLease))
        .commit()
        .thenApply(
            r -> {
              if (!r.succeeded()) {
                throw new NotElectionLeaderException(name);
              }
              return null;
            });
  }

  /** Publishes a new value; see {@link #proclaim(ByteSequence)}. */
  public CompletableFuture<Void> proclaim(String value) {
    return proclaim(ByteSequence.from(value));
  }

  /**
   * Steps down: deletes the campaign key if it is still this leadership's, so the next candidate
   * takes over. Fails with {@link NotElectionLeaderException} if leadership was already lost.
   */
  public CompletableFuture<Void> resign() {
    guard.release();
    return session
        .kv()
        .txn()
        .If(isLeader())
        .Then(Op.delete(key, DeleteOption.DEFAULT))
        .commit()
        .thenApply(
            r -> {
              if (!r.succeeded()) {
                throw new NotElectionLeaderException(name);
              }
              return null;
            });
  }

  /** Resigns and waits; failures (leadership already lost) are ignored. */
  @Override
  public void close() {
    try {
      resign().join();
    } catch (RuntimeException e) {
      // already lost: nothing to give up
    }
  }

  @Override
  public String toString() {
    return "Leadership{name=" + name + ", key=" + key + ", token=" + createRevision + "}";
  }
}
