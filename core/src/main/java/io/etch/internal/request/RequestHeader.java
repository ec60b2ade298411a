package io.etch.internal.request;

/**
 * Who proposed a request: the origin member and its request id. The pair is unique in a cluster
 * (see {@link RequestIdGenerator}); the dedup table keys on it and the origin member completes the
 * waiting future with it.
 */
public record RequestHeader(long memberId, long requestId) {}
