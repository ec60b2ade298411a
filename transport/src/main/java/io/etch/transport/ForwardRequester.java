package io.etch.transport;

import io.etch.transport.codec.FrameType;
import io.etch.transport.codec.Frames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The requests this member forwarded to one peer and not yet heard back about.
 *
 * <p>A request is written as a FORWARD_REQUEST on the peer's CONTROL connection (the one this
 * member dialled), and the peer answers on that same socket. Bounds: at most {@code
 * maxForwardsInFlightPerPeer} unanswered requests ({@link TooManyForwardsException} beyond, checked
 * on the caller's thread before anything is queued), each with a deadline of {@code forwardTimeout}
 * ({@link ForwardTimeoutException}). When the connection closes, every request sent on it fails
 * with {@link PeerUnavailableException}; a request made while the peer is not connected fails the
 * same way at once (the caller retries; forwarding never queues behind a reconnect).
 *
 * <p>Threads: {@link #forward} runs on any thread; everything else, including the pending map, on
 * the peer's event loop (the loop of all its connections), so the map needs no lock. Futures
 * complete on that event loop: callers must chain asynchronously and never block there.
 */
final class ForwardRequester {
  private final NettyPeerTransport transport;
  private final Peer peer;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();

  private static final class Pending {
    final CompletableFuture<byte[]> future;
    final Channel channel;
    ScheduledFuture<?> timeout;

    Pending(CompletableFuture<byte[]> future, Channel channel) {
      this.future = future;
      this.channel = channel;
    }
  }

  ForwardRequester(NettyPeerTransport transport, Peer peer) {
    this.transport = transport;
    this.peer = peer;
  }

  int inFlight() {
    return inFlight.get();
  }

  CompletableFuture<byte[]> forward(long correlationId, int kind, byte[] payload) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    int limit = transport.settings().maxForwardsInFlightPerPeer();
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      f.completeExceptionally(new TooManyForwardsException(peer.memberId(), limit));
      return f;
    }
    try {
      peer.eventLoop.execute(() -> start(correlationId, kind, payload, f));
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
      f.completeExceptionally(new PeerUnavailableException(peer.memberId(), "transport closed"));
    }
    return f;
  }

  private void start(long correlationId, int kind, byte[] payload, CompletableFuture<byte[]> f) {
    Channel ch = peer.control.activeChannel();
    if (ch == null || !ch.isActive() || peer.removed() || transport.isClosed()) {
      inFlight.decrementAndGet();
      f.completeExceptionally(new PeerUnavailableException(peer.memberId(), "not connected"));
      return;
    }
    Pending p = new Pending(f, ch);
    pending.put(correlationId, p);
    long timeoutNs = transport.settings().forwardTimeoutNs();
    p.timeout =
        peer.eventLoop.schedule(
            () -> {
              if (pending.remove(correlationId) != null) {
                inFlight.decrementAndGet();
                f.completeExceptionally(
                    new ForwardTimeoutException(peer.memberId(), Duration.ofNanos(timeoutNs)));
              }
            },
            timeoutNs,
            TimeUnit.NANOSECONDS);
    ch.writeAndFlush(
            Frames.forward(ch.alloc(), FrameType.FORWARD_REQUEST, correlationId, kind, payload))
        .addListener(
            (ChannelFutureListener)
                done -> {
                  if (!done.isSuccess()) {
                    fail(correlationId, "write failed: " + done.cause());
                  }
                });
  }

  /** Event loop: the answer to {@code correlationId}; a late one (after a timeout) is dropped. */
  void onResponse(long correlationId, ForwardStatus status, byte[] payload) {
    Pending p = pending.remove(correlationId);
    if (p == null) {
      return;
    }
    p.timeout.cancel(false);
    inFlight.decrementAndGet();
    if (status == ForwardStatus.OK) {
      p.future.complete(payload);
    } else {
      p.future.completeExceptionally(new ForwardRefusedException(peer.memberId(), status));
    }
  }

  private void fail(long correlationId, String reason) {
    Pending p = pending.remove(correlationId);
    if (p != null) {
      p.timeout.cancel(false);
      inFlight.decrementAndGet();
      p.future.completeExceptionally(new PeerUnavailableException(peer.memberId(), reason));
    }
  }

  /** Event loop: the CONTROL connection {@code ch} closed; fails every request sent on it. */
  void onClosed(Channel ch) {
    List<Long> lost = new ArrayList<>();
    pending.forEach(
        (id, p) -> {
          if (p.channel == ch) {
            lost.add(id);
          }
        });
    for (long id : lost) {
      fail(id, "connection lost before the answer");
    }
  }
}
