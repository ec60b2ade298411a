package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.internal.watch.WatchHub;
import io.etch.watch.Watch;
import io.etch.watch.WatchOption;
import io.etch.watch.Watcher;
import java.util.function.Supplier;

/**
 * The member's {@link Watch}: delegates to the current {@link WatchHub}. Installing a snapshot
 * makes the store jump revisions, which a hub cannot follow, so the applier closes the hub (its
 * watches end with {@code NodeClosedException}; clients resume from their last revision + 1) and
 * starts a new one over the restored store.
 */
final class HubHolder implements Watch {
  private final Supplier<WatchHub> factory;
  private volatile WatchHub hub;

  HubHolder(Supplier<WatchHub> factory) {
    this.factory = factory;
    this.hub = factory.get();
  }

  /** Applier thread only. */
  WatchHub hub() {
    return hub;
  }

  /** Applier thread only: after a snapshot install. */
  void rebuild() {
    WatchHub old = hub;
    hub = factory.get();
    old.close();
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
