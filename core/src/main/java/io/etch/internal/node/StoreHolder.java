package io.etch.internal.node;

import io.etch.storage.mvcc.MvccStore;
import io.etch.storage.mvcc.MvccView;

/**
 * The member's current MVCC store. The applier replaces it when it installs a snapshot from the
 * leader; every other thread only reads {@link #view()}.
 */
final class StoreHolder {
  private volatile MvccStore store;

  StoreHolder(MvccStore store) {
    this.store = store;
  }

  /** Applier thread only. */
  MvccStore store() {
    return store;
  }

  /** Applier thread only. */
  void replace(MvccStore restored) {
    store = restored;
  }

  /** Any thread. */
  MvccView view() {
    return store.view();
  }
}
