package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.EtchException;
import io.etch.InvalidArgumentException;
import io.etch.LeaseNotFoundException;
import io.etch.LeaseTtlTooLargeException;
import io.etch.NodeClosedException;
import io.etch.RequestTimeoutException;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestHeader;
import io.etch.kv.Header;
import io.etch.lease.Lease;
import io.etch.lease.LeaseGrantResponse;
import io.etch.lease.LeaseKeepAlive;
import io.etch.lease.LeaseKeepAliveListener;
import io.etch.lease.LeaseKeepAliveResponse;
import io.etch.lease.LeaseLeasesResponse;
import io.etch.lease.LeaseRevokeResponse;
import io.etch.lease.LeaseTimeToLiveResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The member's {@link Lease}. Grants and revokes are proposed through Raft (applied by every
 * member, {@link LeaseApply}); keep-alives and time-to-live are answered by the leader's lessor,
 * reached through {@link LeaseCalls} (locally or forwarded); the lease list is replicated state,
 * answered by this member. Calls are handed to the applier thread, which owns the lessor; futures
 * complete on the callback executor.
 */
final class NodeLease implements Lease {
  private final NodeServices services;
  private final Proposer proposer;
  private final LeaseDriver driver;
  private final LeaseCalls calls;
  private final KeepAlives keepAlives;
  private final Executor callbacks;
  private final String memberName;
  private final Duration requestTimeout;

  NodeLease(
      NodeServices services,
      Proposer proposer,
      LeaseDriver driver,
      LeaseCalls calls,
      KeepAlives keepAlives,
      Executor callbacks,
      String memberName,
      Duration requestTimeout) {
    this.services = services;
    this.proposer = proposer;
    this.driver = driver;
    this.calls = calls;
    this.keepAlives = keepAlives;
    this.callbacks = callbacks;
    this.memberName = memberName;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds) {
    return grantWithId(ttlSeconds, 0);
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds, long leaseId) {
    if (leaseId <= 0) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException("leaseId", "must be > 0, got " + leaseId));
    }
    return grantWithId(ttlSeconds, leaseId);
  }

  private CompletableFuture<LeaseGrantResponse> grantWithId(long ttlSeconds, long leaseId) {
    if (ttlSeconds <= 0) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException("ttlSeconds", "must be > 0, got " + ttlSeconds));
    }
    if (ttlSeconds > MAX_TTL_SECONDS) {
      return CompletableFuture.failedFuture(
          new LeaseTtlTooLargeException(ttlSeconds, MAX_TTL_SECONDS));
    }
    return propose(
        "lease grant",
        header -> new Request.LeaseGrant(header, leaseId, ttlSeconds),
        LeaseGrantResponse.class);
  }

  @Override
  public CompletableFuture<LeaseRevokeResponse> revoke(long leaseId) {
    return propose(
        "lease revoke",
        header -> new Request.LeaseRevoke(header, leaseId),
        LeaseRevokeResponse.class);
  }

  private <R> CompletableFuture<R> propose(
      String operation, Function<RequestHeader, Request> factory, Class<R> type) {
    try {
      return proposer.propose(operation, ByteSequence.EMPTY, factory, type);
    } catch (EtchException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<LeaseKeepAliveResponse> keepAliveOnce(long leaseId) {
    return leaderCall(
        "lease keep-alive",
        LeaseCallDescriptor.KIND_KEEP_ALIVE,
        leaseId,
        false,
        answer -> {
          if (answer.status() == LeaseCallDescriptor.STATUS_NOT_FOUND) {
            throw new LeaseNotFoundException(leaseId);
          }
          return new LeaseKeepAliveResponse(header(), leaseId, answer.ttlSeconds());
        });
  }

  @Override
  public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(long leaseId, boolean withKeys) {
    return leaderCall(
        "lease time-to-live",
        LeaseCallDescriptor.KIND_TIME_TO_LIVE,
        leaseId,
        withKeys,
        answer ->
            new LeaseTimeToLiveResponse(
                header(), leaseId, answer.ttlSeconds(), answer.grantedTtlSeconds(), answer.keys()));
  }

  private <R> CompletableFuture<R> leaderCall(
      String operation,
      int kind,
      long leaseId,
      boolean withKeys,
      Function<LeaseCallFlyweight.Answer, R> result) {
    CompletableFuture<R> f = new CompletableFuture<>();
    long deadlineNs = driver.clock().nanoTime() + requestTimeout.toNanos();
    submit(
        f,
        () ->
            calls.call(
                operation,
                kind,
                leaseId,
                withKeys,
                deadlineNs,
                (answer, error) ->
                    callbacks.execute(
                        () -> {
                          if (error != null) {
                            f.completeExceptionally(error);
                            return;
                          }
                          try {
                            f.complete(result.apply(answer));
                          } catch (RuntimeException e) {
                            f.completeExceptionally(e);
                          }
                        })));
    return f;
  }

  @Override
  public LeaseKeepAlive keepAlive(long leaseId, LeaseKeepAliveListener listener) {
    Objects.requireNonNull(listener, "listener");
    return keepAlives.start(leaseId, listener);
  }

  @Override
  public CompletableFuture<LeaseLeasesResponse> leases() {
    CompletableFuture<LeaseLeasesResponse> f = new CompletableFuture<>();
    submit(
        f,
        () -> {
          long[] ids = driver.lessor().leases();
          List<Long> list = new ArrayList<>(ids.length);
          for (long id : ids) {
            list.add(id);
          }
          LeaseLeasesResponse response = new LeaseLeasesResponse(header(), list);
          callbacks.execute(() -> f.complete(response));
        });
    return f;
  }

  private Header header() {
    return services.header(services.view().revision());
  }

  private void submit(CompletableFuture<?> f, Runnable work) {
    LeaseDriver.Task task =
        new LeaseDriver.Task() {
          @Override
          public void run() {
            work.run();
          }

          @Override
          public void abort(RuntimeException error) {
            callbacks.execute(() -> f.completeExceptionally(error));
          }
        };
    if (!driver.submit(task)) {
      f.completeExceptionally(
          driver.isClosed()
              ? new NodeClosedException(memberName)
              : new RequestTimeoutException("lease call (queue full)", Duration.ZERO));
    }
  }
}
