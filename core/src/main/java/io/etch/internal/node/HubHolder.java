package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.internal.watch.WatchHub;
import io.etch.watch.Watch;
import io.etch.watch.WatchOption;
import io.etch.watch.Watcher;

/**
 * The member's {@link Watch}: delegates to its {@link WatchHub}. The hub lives as long as the node:
 * installing a snapshot restores it ({@link WatchHub#restore}) rather than replacing it, so watches
 * survive the install and catch up from the restored store.
 */
final class HubHolder implements Watch {
  private final WatchHub hub;

  HubHolder(WatchHub hub) {
    this.hub = hub;
  }

  /** Applier thread only. */
  WatchHub hub() {
    return hub;
  }

  @Override
  public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
    return hub.watch(key, option, listener);
  }

  WatchHub.Stats stats() {
    return hub.stats();
  }

  void close() {
    hub.close();
  }
}
