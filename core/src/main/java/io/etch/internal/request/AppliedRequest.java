package io.etch.internal.request;

import io.etch.storage.mvcc.PutRequest;

/**
 * The request of the committed entry the applier is applying, as {@link
 * RequestDecoder#decodeForApply} fills it: one object, refilled for every entry.
 *
 * <h2>Why</h2>
 *
 * Every member decodes and applies every put, so on a small machine the per-put garbage of the
 * general decoding ({@link Request.Put} over an {@code Op.PutOp} over two {@code ByteSequence}s and
 * a header, then mapped into the store's {@link PutRequest}) is paid three times per put in a
 * three-member cluster. A put is therefore decoded straight into the store's request, with its
 * origin member and request id as plain fields; the other kinds keep their {@link Request} (they
 * are rare, and their appliers take it as is).
 *
 * <p>Not thread-safe: the applier's own, valid until the next decode.
 */
public final class AppliedRequest {
  private RequestKind kind;
  private long memberId;
  private long requestId;
  private PutRequest put;
  private Request request;

  /** The kind of the request. */
  public RequestKind kind() {
    return kind;
  }

  /** The member that proposed it. */
  public long memberId() {
    return memberId;
  }

  /** Its request id, unique for {@link #memberId()}. */
  public long requestId() {
    return requestId;
  }

  /** The put, as the store takes it; only for {@link RequestKind#PUT}. */
  public PutRequest put() {
    if (kind != RequestKind.PUT) {
      throw new IllegalStateException("not a put but a " + kind);
    }
    return put;
  }

  /** The decoded request; for every kind but {@link RequestKind#PUT}. */
  public Request request() {
    if (kind == RequestKind.PUT) {
      throw new IllegalStateException("a put is decoded as a PutRequest: use put()");
    }
    return request;
  }

  void put(long memberId, long requestId, PutRequest put) {
    this.kind = RequestKind.PUT;
    this.memberId = memberId;
    this.requestId = requestId;
    this.put = put;
    this.request = null;
  }

  void other(Request request) {
    this.kind = request.kind();
    this.memberId = request.header().memberId();
    this.requestId = request.header().requestId();
    this.put = null;
    this.request = request;
  }
}
