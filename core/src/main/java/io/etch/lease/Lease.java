package io.etch.lease;

import java.util.concurrent.CompletableFuture;

/**
 * Leases with etcd's semantics.
 *
 * <ul>
 *   <li>A lease lives for its TTL after its grant or its last keep-alive. Expiry is decided by the
 *       leader alone and replicated as a revoke, so every member deletes the lease's keys at the
 *       same revision, in one revision (watchers see the DELETE events together).
 *   <li>The TTL actually granted may be larger than asked: the minimum is 1.5 x the election
 *       timeout, rounded up to whole seconds (etcd's rule; 2 s with the defaults). The maximum is
 *       {@value #MAX_TTL_SECONDS} s ({@code LeaseTtlTooLargeException}).
 *   <li>A leader change never expires a lease early: the new leader restarts every lease's TTL.
 *   <li>Every member accepts every call; keep-alives are forwarded to the leader.
 * </ul>
 *
 * Futures complete on the node's callback executor; failures are {@link io.etch.EtchException}s:
 * {@code LeaseNotFoundException}, {@code LeaseExistsException}, {@code LeaseTtlTooLargeException},
 * {@code InvalidArgumentException} (TTL or id not positive), {@code RequestTimeoutException},
 * {@code NoLeaderException}, {@code NodeClosedException}.
 */
public interface Lease {
  /** etcd's largest TTL: 9,000,000,000 seconds (about 285 years). */
  long MAX_TTL_SECONDS = 9_000_000_000L;

  /** Grants a lease of about {@code ttlSeconds} (positive) with an id the cluster picks. */
  CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds);

  /**
   * Grants a lease with the id {@code leaseId} (positive); fails with {@code LeaseExistsException}
   * if that id is in use.
   */
  CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds, long leaseId);

  /** Revokes the lease, deleting every key attached to it at one revision. */
  CompletableFuture<LeaseRevokeResponse> revoke(long leaseId);

  /** Renews the lease once, restarting its TTL. */
  CompletableFuture<LeaseKeepAliveResponse> keepAliveOnce(long leaseId);

  /**
   * Renews the lease about every TTL/3 until the returned handle is closed. The listener hears
   * every renewal, then at most once that the lease is gone ({@link LeaseKeepAliveListener#onLost})
   * or that keeping it alive failed ({@link LeaseKeepAliveListener#onError}); after either, or
   * after {@code close()}, it hears nothing more. Callbacks run on the node's callback executor,
   * one at a time, in order.
   */
  LeaseKeepAlive keepAlive(long leaseId, LeaseKeepAliveListener listener);

  /**
   * The lease's remaining and granted TTL and, when {@code withKeys}, its keys. For an unknown (or
   * expired) lease the response's TTL is -1, as in etcd, rather than an error.
   */
  CompletableFuture<LeaseTimeToLiveResponse> timeToLive(long leaseId, boolean withKeys);

  /** The ids of every live lease. */
  CompletableFuture<LeaseLeasesResponse> leases();
}
