package io.etch.recipes;

import io.etch.EtcdNode;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.LeaseNotFoundException;
import io.etch.SessionLostException;
import io.etch.kv.KV;
import io.etch.lease.Lease;
import io.etch.lease.LeaseKeepAlive;
import io.etch.lease.LeaseKeepAliveListener;
import io.etch.lease.LeaseKeepAliveResponse;
import io.etch.watch.Watch;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease kept alive in the background, the liveness that every recipe hangs on (etcd's {@code
 * concurrency.Session}).
 *
 * <p>A lock, a leadership or a service registration belongs to a session: its keys are attached to
 * the session's lease, so when the process that holds the session dies, the leader expires the
 * lease after its TTL and the keys vanish — the lock passes on, the election moves, the instance
 * disappears from discovery. While the process lives, the node renews the lease about every TTL/3
 * ({@link Lease#keepAlive}).
 *
 * <h2>Loss</h2>
 *
 * A session is <em>lost</em> once its lease is gone or can no longer be renewed: it expired (the
 * renewals could not reach a leader for longer than the TTL), it was revoked, or keeping it alive
 * failed. {@link #lost()} completes then, once, with the reason, and {@link #onLost} listeners run
 * (on the node's callback executor). Everything the session held must be considered gone: the
 * recipes tell their own listeners. A lost session never comes back; open a new one.
 *
 * <p>{@link #close()} stops the renewals and revokes the lease, so what the session held is
 * released at once rather than after the TTL; it completes {@link #lost()} with {@link
 * LossReason#CLOSED}.
 */
public final class Session implements AutoCloseable {
  /** etcd's default session TTL, in seconds. */
  public static final long DEFAULT_TTL_SECONDS = 60;

  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  /** Why a session ended. */
  public enum LossReason {
    /** The leader expired the lease: it was not renewed within its TTL. */
    EXPIRED,
    /** The lease was revoked by someone else, or does not exist any more. */
    REVOKED,
    /** No leader could be reached for longer than the TTL; the lease must be assumed expired. */
    UNREACHABLE,
    /** Renewing failed with an error (for instance the node closed). */
    FAILED,
    /** {@link Session#close()} was called. */
    CLOSED
  }

  private final KV kv;
  private final Watch watch;
  private final Lease lease;
  private final long leaseId;
  private final long ttlSeconds;
  private final CompletableFuture<LossReason> lost = new CompletableFuture<>();
  private volatile LeaseKeepAlive keepAlive;

  private Session(KV kv, Watch watch, Lease lease, long leaseId, long ttlSeconds) {
    this.kv = kv;
    this.watch = watch;
    this.lease = lease;
    this.leaseId = leaseId;
    this.ttlSeconds = ttlSeconds;
  }

  /** A builder of a session on {@code node}'s lease, KV and watch services. */
  public static Builder builder(EtcdNode node) {
    Objects.requireNonNull(node, "node");
    return new Builder(node.kv(), node.watch(), node.lease());
  }

  /** Opens a session on {@code node} with the default TTL ({@value #DEFAULT_TTL_SECONDS} s). */
  public static CompletableFuture<Session> open(EtcdNode node) {
    return builder(node).open();
  }

  /** The session's lease; the recipes attach their keys to it. */
  public long leaseId() {
    return leaseId;
  }

  /** The TTL the cluster granted (may be larger than asked: see {@link Lease}). */
  public long ttlSeconds() {
    return ttlSeconds;
  }

  /** Whether the session is lost (or closed). */
  public boolean isLost() {
    return lost.isDone();
  }

  /**
   * Completes, once, when the session is lost or closed, with the reason. Never completes
   * exceptionally.
   */
  public CompletableFuture<LossReason> lost() {
    return lost.copy();
  }

  /**
   * Runs {@code listener} when the session is lost (at once, on the calling thread, if it already
   * is); otherwise on the thread that observed the loss, the node's callback executor.
   */
  public void onLost(Consumer<LossReason> listener) {
    Objects.requireNonNull(listener, "listener");
    lost.thenAccept(listener);
  }

  /**
   * Stops renewing and revokes the lease, releasing at once what the session held. The future
   * completes when the revoke is done; it fails as the revoke did (the lease then expires after its
   * TTL anyway).
   */
  public CompletableFuture<Void> closeAsync() {
    LeaseKeepAlive k = keepAlive;
    if (k != null) {
      k.close();
    }
    boolean wasLive = lost.complete(LossReason.CLOSED);
    if (!wasLive) {
      return CompletableFuture.completedFuture(null);
    }
    return lease.revoke(leaseId).thenApply(r -> (Void) null);
  }

  /**
   * Closes the session as {@link #closeAsync()} and waits for the revoke. Never throws: when the
   * revoke fails (no leader, node closed), the lease simply expires after its TTL.
   */
  @Override
  public void close() {
    try {
      closeAsync().join();
    } catch (RuntimeException e) {
      LOG.debug("revoking session lease {} failed; it expires after its TTL", hex(leaseId), e);
    }
  }

  KV kv() {
    return kv;
  }

  Watch watch() {
    return watch;
  }

  /** Fails with {@link SessionLostException} when the session is lost, naming {@code what}. */
  void checkLive(String what) {
    if (lost.isDone()) {
      throw new SessionLostException(leaseId, what + " (" + lost.join() + ")");
    }
  }

  static String hex(long id) {
    return Long.toHexString(id);
  }

  private void startKeepAlive() {
    keepAlive =
        lease.keepAlive(
            leaseId,
            new LeaseKeepAliveListener() {
              @Override
              public void onNext(LeaseKeepAliveResponse response) {
                // renewed; nothing to tell
              }

              @Override
              public void onLost(LostReason reason) {
                LossReason mapped =
                    switch (reason) {
                      case EXPIRED -> LossReason.EXPIRED;
                      case REVOKED, NOT_FOUND -> LossReason.REVOKED;
                      case UNREACHABLE -> LossReason.UNREACHABLE;
                    };
                if (lost.complete(mapped)) {
                  LOG.info("session lease {} lost: {}", hex(leaseId), mapped);
                }
              }

              @Override
              public void onError(Throwable error) {
                if (!lost.complete(LossReason.FAILED)) {
                  return;
                }
                if (error instanceof EtchException e
                    && e.kind() == EtchException.Kind.NODE_CLOSED) {
                  LOG.info("session lease {} lost: {}", hex(leaseId), e.getMessage());
                } else {
                  LOG.warn("session lease {} lost: keep-alive failed", hex(leaseId), error);
                }
              }
            });
    if (lost.isDone()) {
      keepAlive.close();
    }
  }

  /** Builds a session: the TTL, or an existing lease to adopt. */
  public static final class Builder {
    private final KV kv;
    private final Watch watch;
    private final Lease lease;
    private long ttlSeconds = DEFAULT_TTL_SECONDS;
    private long leaseId;

    Builder(KV kv, Watch watch, Lease lease) {
      this.kv = Objects.requireNonNull(kv, "kv");
      this.watch = Objects.requireNonNull(watch, "watch");
      this.lease = Objects.requireNonNull(lease, "lease");
    }

    /** The lease TTL to ask for (positive; the cluster may raise it to its minimum). */
    public Builder ttlSeconds(long ttlSeconds) {
      if (ttlSeconds <= 0) {
        throw new InvalidArgumentException(
            "ttlSeconds", "session TTL must be positive, got " + ttlSeconds);
      }
      this.ttlSeconds = ttlSeconds;
      return this;
    }

    /**
     * Adopts the existing lease {@code leaseId} instead of granting a new one (etcd's {@code
     * WithLease}); the TTL is then the lease's.
     */
    public Builder leaseId(long leaseId) {
      if (leaseId <= 0) {
        throw new InvalidArgumentException("leaseId", "lease id must be positive, got " + leaseId);
      }
      this.leaseId = leaseId;
      return this;
    }

    /**
     * Grants the lease (or checks the adopted one exists), starts renewing it, and completes with
     * the session; fails as the grant did ({@code LeaseNotFoundException} for an adopted lease that
     * does not exist).
     */
    public CompletableFuture<Session> open() {
      CompletableFuture<long[]> granted;
      if (leaseId != 0) {
        long id = leaseId;
        granted =
            lease
                .timeToLive(id, false)
                .thenApply(
                    ttl -> {
                      if (ttl.ttlSeconds() < 0) {
                        throw new LeaseNotFoundException(id);
                      }
                      return new long[] {id, ttl.grantedTtlSeconds()};
                    });
      } else {
        granted = lease.grant(ttlSeconds).thenApply(g -> new long[] {g.leaseId(), g.ttlSeconds()});
      }
      return granted.thenApply(
          idAndTtl -> {
            Session s = new Session(kv, watch, lease, idAndTtl[0], idAndTtl[1]);
            s.startKeepAlive();
            return s;
          });
    }
  }

  @Override
  public String toString() {
    return "Session{lease=" + hex(leaseId) + ", ttl=" + ttlSeconds + "s, lost=" + isLost() + "}";
  }
}
