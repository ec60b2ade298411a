package io.etch.internal.watch;

import io.etch.ByteSequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The watchers that are caught up, indexed so that a changed key reaches exactly the watchers that
 * select it: single-key watchers in a hash map by key, range watchers in a {@link RangeIndex} (an
 * interval tree). Watchers whose range selects nothing are not indexed at all.
 *
 * <p>Not thread-safe: used under the hub's group lock only.
 */
final class SyncedGroup {
  private final HashMap<ByteSequence, List<WatcherState>> byKey = new HashMap<>();
  private final RangeIndex ranges = new RangeIndex();
  private int size;

  int size() {
    return size;
  }

  void add(WatcherState w) {
    size++;
    if (w.range.isSingleKey()) {
      byKey.computeIfAbsent(w.range.key(), k -> new ArrayList<>(1)).add(w);
    } else if (!w.selectsNothing()) {
      ranges.add(w.start, w.end, w);
    }
  }

  void remove(WatcherState w) {
    size--;
    if (w.range.isSingleKey()) {
      List<WatcherState> list = byKey.get(w.range.key());
      if (list != null) {
        list.remove(w);
        if (list.isEmpty()) {
          byKey.remove(w.range.key());
        }
      }
    } else if (!w.selectsNothing()) {
      ranges.remove(w.start, w);
    }
  }

  /** Calls {@code sink} for every synced watcher whose range contains {@code key}. */
  void match(byte[] key, Consumer<WatcherState> sink) {
    if (size == 0) {
      return; // no watcher: every applied put of a member without watchers ends here
    }
    List<WatcherState> exact = byKey.isEmpty() ? null : byKey.get(ByteSequence.wrap(key));
    if (exact != null) {
      for (int i = 0, n = exact.size(); i < n; i++) {
        sink.accept(exact.get(i));
      }
    }
    if (ranges.size() > 0) {
      ranges.stab(key, sink);
    }
  }

  void clear() {
    byKey.clear();
    ranges.clear();
    size = 0;
  }
}
