package io.etch.internal.node;

import io.etch.NodeClosedException;
import io.etch.internal.lease.LeaseInfo;
import io.etch.kv.Header;
import io.etch.lease.LeaseKeepAlive;
import io.etch.lease.LeaseKeepAliveListener;
import io.etch.lease.LeaseKeepAliveListener.LostReason;
import io.etch.lease.LeaseKeepAliveResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The running {@code Lease.keepAlive}s of this member, on the applier thread.
 *
 * <p>Each renews its lease through {@link LeaseCalls} (so at the leader, wherever it is) at once
 * and then about every TTL/3 of the injected clock, as etcd's client does. A renewal keeps trying
 * (following leader changes) until the lease's TTL has passed since the last successful renewal;
 * then the lease must be assumed gone and the listener hears {@link LostReason#UNREACHABLE}. The
 * leader saying the lease is unknown ends it with {@link LostReason#NOT_FOUND} (never renewed) or
 * {@link LostReason#EXPIRED}; a revoke applied on this member ends it at once, as {@link
 * LostReason#REVOKED} — or {@link LostReason#EXPIRED} when more than half a TTL passed since the
 * last renewal (a healthy keep-alive renews every third of it, so the revoke was the leader's
 * expiry). Node close ends it with {@code onError(NodeClosedException)}.
 *
 * <p>Listener calls run on the callback executor, one at a time, in order ({@link
 * SerialCallbacks}); nothing follows a terminal call or {@link LeaseKeepAlive#close()}.
 */
final class KeepAlives {
  private final LeaseDriver driver;
  private final LeaseCalls calls;
  private final Executor callbacks;
  private final Supplier<Header> header;
  private final String memberName;
  private final long defaultTtlNs;
  private final Long2ObjectHashMap<List<Stream>> byLease = new Long2ObjectHashMap<>();

  KeepAlives(
      LeaseDriver driver,
      LeaseCalls calls,
      Executor callbacks,
      Supplier<Header> header,
      String memberName,
      long defaultTtlNs) {
    this.driver = driver;
    this.calls = calls;
    this.callbacks = callbacks;
    this.header = header;
    this.memberName = memberName;
    this.defaultTtlNs = defaultTtlNs;
  }

  /** One keep-alive; its state is the applier thread's except {@code closed}. */
  final class Stream implements LeaseKeepAlive {
    private final long leaseId;
    private final LeaseKeepAliveListener listener;
    private final SerialCallbacks out;
    private volatile boolean closed;
    private boolean ended;
    private boolean renewed;
    private long lastOkNs;
    private long ttlNs;

    Stream(long leaseId, LeaseKeepAliveListener listener) {
      this.leaseId = leaseId;
      this.listener = listener;
      this.out = new SerialCallbacks(callbacks);
    }

    @Override
    public long leaseId() {
      return leaseId;
    }

    @Override
    public void close() {
      closed = true;
      driver.submit(() -> end());
    }

    private boolean live() {
      return !closed && !ended;
    }

    private void end() {
      if (!ended) {
        ended = true;
        List<Stream> streams = byLease.get(leaseId);
        if (streams != null) {
          streams.remove(this);
          if (streams.isEmpty()) {
            byLease.remove(leaseId);
          }
        }
      }
    }

    private void emit(Runnable call) {
      out.execute(
          () -> {
            if (!closed) {
              call.run();
            }
          });
    }

    private void lost(LostReason reason) {
      if (live()) {
        end();
        emit(() -> listener.onLost(reason));
      }
    }

    private void failed(Throwable error) {
      if (live()) {
        end();
        emit(() -> listener.onError(error));
      }
    }
  }

  /** Any thread: starts a keep-alive; it runs once the applier thread takes it. */
  Stream start(long leaseId, LeaseKeepAliveListener listener) {
    Stream s = new Stream(leaseId, listener);
    LeaseDriver.Task begin =
        new LeaseDriver.Task() {
          @Override
          public void run() {
            byLease.computeIfAbsent(leaseId, id -> new ArrayList<>()).add(s);
            long now = driver.clock().nanoTime();
            s.lastOkNs = now;
            Optional<LeaseInfo> info = driver.lessor().lease(leaseId);
            s.ttlNs = info.map(i -> i.ttlSeconds() * 1_000_000_000L).orElse(defaultTtlNs);
            renew(s);
          }

          @Override
          public void abort(RuntimeException error) {
            s.failed(error);
          }
        };
    if (!driver.submit(begin)) {
      s.failed(new NodeClosedException(memberName));
    }
    return s;
  }

  private void renew(Stream s) {
    if (!s.live()) {
      return;
    }
    calls.call(
        "lease keep-alive",
        LeaseCallDescriptor.KIND_KEEP_ALIVE,
        s.leaseId,
        false,
        s.lastOkNs + s.ttlNs,
        (answer, error) -> renewed(s, answer, error));
  }

  private void renewed(Stream s, LeaseCallFlyweight.Answer answer, RuntimeException error) {
    if (!s.live()) {
      return;
    }
    if (error != null) {
      if (error instanceof NodeClosedException) {
        s.failed(error);
      } else {
        s.lost(LostReason.UNREACHABLE);
      }
      return;
    }
    long now = driver.clock().nanoTime();
    if (answer.status() == LeaseCallDescriptor.STATUS_NOT_FOUND) {
      s.lost(s.renewed ? LostReason.EXPIRED : LostReason.NOT_FOUND);
      return;
    }
    s.renewed = true;
    s.lastOkNs = now;
    s.ttlNs = answer.ttlSeconds() * 1_000_000_000L;
    LeaseKeepAliveResponse response =
        new LeaseKeepAliveResponse(header.get(), s.leaseId, answer.ttlSeconds());
    s.emit(() -> s.listener.onNext(response));
    driver.schedule(
        now + Math.max(1, s.ttlNs / 3),
        new LeaseDriver.Task() {
          @Override
          public void run() {
            renew(s);
          }

          @Override
          public void abort(RuntimeException error) {
            s.failed(error);
          }
        });
  }

  /** Applier thread: a revoke of {@code leaseId} was applied here. */
  void onRevoked(long leaseId) {
    List<Stream> streams = byLease.get(leaseId);
    if (streams == null) {
      return;
    }
    long now = driver.clock().nanoTime();
    for (Stream s : List.copyOf(streams)) {
      s.lost(now - s.lastOkNs > s.ttlNs / 2 ? LostReason.EXPIRED : LostReason.REVOKED);
    }
  }

  /** After the applier thread stopped: every running keep-alive hears {@code error}. */
  void close(NodeClosedException error) {
    List<Stream> all = new ArrayList<>();
    byLease.values().forEach(all::addAll);
    for (Stream s : all) {
      s.failed(error);
    }
  }
}
