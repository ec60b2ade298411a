package io.etch.internal.node;

import io.etch.internal.metrics.NodeMetrics;
import io.etch.kv.GetResponse;
import java.util.function.Supplier;

/**
 * A linearizable read waiting for its read index to be confirmed and applied. {@code read} runs
 * against the store's current view once {@code appliedIndex >= readIndex}.
 */
final class PendingRead extends Pending<GetResponse> {
  final Supplier<GetResponse> read;

  PendingRead(Supplier<GetResponse> read, long deadlineNs, NodeMetrics metrics) {
    super("get", deadlineNs, metrics);
    this.read = read;
  }
}
