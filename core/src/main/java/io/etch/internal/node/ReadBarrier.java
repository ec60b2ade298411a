package io.etch.internal.node;

import java.util.List;

/** Reads that may run once this member has applied up to {@code index} (their read index). */
record ReadBarrier(long index, List<PendingRead> reads) {}
