package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.RequestTooLargeException;
import io.etch.internal.request.Request;
import io.etch.internal.request.RequestEncoder;
import io.etch.internal.request.RequestHeader;
import io.etch.internal.request.RequestIdGenerator;
import io.etch.internal.request.RequestLimits;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Turns a request into a proposal: gives it a request id, encodes it (refusing what the decoder
 * would refuse), checks the encoded size against {@code maxRequestBytes}, and hands it to the node.
 * Any thread.
 */
final class Proposer {
  private final NodeServices services;
  private final RequestLimits limits;
  private final RequestIdGenerator ids;

  Proposer(NodeServices services, RequestLimits limits, RequestIdGenerator ids) {
    this.services = services;
    this.limits = limits;
    this.ids = ids;
  }

  /**
   * @throws RequestTooLargeException (naming {@code key}) when the encoded request is larger than
   *     {@code maxRequestBytes}, or a key or value is over its limit
   */
  <R> CompletableFuture<R> propose(
      String operation, ByteSequence key, Function<RequestHeader, Request> factory, Class<R> type) {
    long requestId;
    synchronized (ids) {
      requestId = ids.next();
    }
    Request request = factory.apply(new RequestHeader(services.memberId(), requestId));
    byte[] payload = new RequestEncoder(limits).encode(request);
    if (payload.length > services.maxRequestBytes()) {
      throw new RequestTooLargeException(key, payload.length, services.maxRequestBytes());
    }
    return services.propose(operation, requestId, payload).thenApply(type::cast);
  }

  /**
   * Encodes an internal request nobody waits for (the leader's lease revokes and checkpoints), with
   * a fresh request id; bounded by construction (one lease id, or at most 1000 checkpoints).
   */
  byte[] encodeInternal(Function<RequestHeader, Request> factory) {
    long requestId;
    synchronized (ids) {
      requestId = ids.next();
    }
    return new RequestEncoder(limits)
        .encode(factory.apply(new RequestHeader(services.memberId(), requestId)));
  }
}
