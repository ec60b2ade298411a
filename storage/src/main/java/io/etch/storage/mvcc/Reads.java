package io.etch.storage.mvcc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.zip.CRC32C;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The read algorithms, as pure functions of one tree snapshot and its revisions: used by {@link
 * MvccView} (any thread) and by the writer inside a transaction (which reads its own writes).
 */
final class Reads {
  private Reads() {}

  /** Visits keys of a range with their history heads; returns false to stop. */
  interface KeyVisitor {
    boolean visit(byte[] key, Version head);
  }

  static void forEach(PersistentBTree<Version> tree, byte[] key, byte[] rangeEnd, KeyVisitor v) {
    if (Keys.isSingleKey(rangeEnd)) {
      Version head = tree.get(key);
      if (head != null) {
        v.visit(key, head);
      }
      return;
    }
    PersistentBTree.Cursor<Version> c = tree.ascending(key);
    while (c.next()) {
      byte[] k = c.key();
      if (Keys.pastEnd(k, rangeEnd) || !v.visit(k, c.value())) {
        return;
      }
    }
  }

  static long resolveRevision(long requested, long current, long compacted) {
    long rev = requested <= 0 ? current : requested;
    if (rev > current) {
      throw new FutureRevisionException(rev, current);
    }
    if (rev < compacted) {
      throw new CompactedException(compacted);
    }
    return rev;
  }

  /**
   * A range over {@code tree} at a revision in {@code [compacted, current]}. With {@code heads} (a
   * committed view's index; null inside a write txn, whose own writes only the tree holds), a
   * single-key range at or above the index floor reads the key's head from the index instead of
   * descending the tree.
   */
  static RangeResponse range(
      PersistentBTree<Version> tree,
      HeadIndex heads,
      long current,
      long compacted,
      RangeRequest r,
      MvccConfig config) {
    Requests.checkRange(r, config);
    long rev = resolveRevision(r.revision(), current, compacted);
    SortOrder order = effectiveOrder(r);
    boolean filtered =
        r.minModRevision() != 0
            || r.maxModRevision() != 0
            || r.minCreateRevision() != 0
            || r.maxCreateRevision() != 0;
    // As etcd: fetch limit + 1 (to learn "more") unless sorting or filtering needs everything.
    long fetch =
        order != SortOrder.NONE || filtered || r.limit() == 0 ? Long.MAX_VALUE : r.limit() + 1;
    List<KeyValue> kvs = new ArrayList<>();
    long[] count = {0};
    boolean countOnly = r.countOnly();
    KeyVisitor collect =
        (k, head) -> {
          Version v = head.liveAt(rev);
          if (v != null) {
            count[0]++;
            if (!countOnly && kvs.size() < fetch) {
              kvs.add(v.toKeyValue(k, false));
            }
          }
          return true;
        };
    if (heads != null && Keys.isSingleKey(r.rangeEnd())) {
      // Head first, floor second (see HeadIndex).
      Version head = heads.head(r.key());
      if (rev < heads.floorRevision()) {
        head = tree.get(r.key());
      }
      if (head != null) {
        collect.visit(r.key(), head);
      }
    } else {
      forEach(tree, r.key(), r.rangeEnd(), collect);
    }
    if (countOnly) {
      return new RangeResponse(List.of(), false, count[0], current);
    }
    if (filtered) {
      kvs.removeIf(kv -> !passesFilters(kv, r));
    }
    if (order != SortOrder.NONE) {
      Comparator<KeyValue> cmp = comparator(r.sortTarget());
      kvs.sort(order == SortOrder.ASCEND ? cmp : cmp.reversed());
    }
    boolean more = false;
    List<KeyValue> out = kvs;
    if (r.limit() > 0 && kvs.size() > r.limit()) {
      out = kvs.subList(0, (int) r.limit());
      more = true;
    }
    if (r.keysOnly()) {
      List<KeyValue> stripped = new ArrayList<>(out.size());
      for (KeyValue kv : out) {
        stripped.add(
            new KeyValue(
                kv.key(),
                KeyValue.EMPTY,
                kv.createRevision(),
                kv.modRevision(),
                kv.version(),
                kv.lease()));
      }
      out = stripped;
    }
    return new RangeResponse(out, more, count[0], current);
  }

  /** etcd's rule: results come key-ascending, so KEY+ASCEND needs no sort, other targets do. */
  static SortOrder effectiveOrder(RangeRequest r) {
    if (r.sortTarget() != SortTarget.KEY && r.sortOrder() == SortOrder.NONE) {
      return SortOrder.ASCEND;
    }
    if (r.sortTarget() == SortTarget.KEY && r.sortOrder() == SortOrder.ASCEND) {
      return SortOrder.NONE;
    }
    return r.sortOrder();
  }

  private static boolean passesFilters(KeyValue kv, RangeRequest r) {
    return (r.maxModRevision() == 0 || kv.modRevision() <= r.maxModRevision())
        && (r.minModRevision() == 0 || kv.modRevision() >= r.minModRevision())
        && (r.maxCreateRevision() == 0 || kv.createRevision() <= r.maxCreateRevision())
        && (r.minCreateRevision() == 0 || kv.createRevision() >= r.minCreateRevision());
  }

  static Comparator<KeyValue> comparator(SortTarget target) {
    return switch (target) {
      case KEY -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
      case VERSION -> Comparator.comparingLong(KeyValue::version);
      case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
      case MOD -> Comparator.comparingLong(KeyValue::modRevision);
      case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
    };
  }

  /**
   * etcd's compare: every live key of the range at {@code rev} must satisfy it; with none, a
   * zero-valued version is compared, except that VALUE compares on missing keys fail.
   */
  static boolean compare(PersistentBTree<Version> tree, long rev, Compare c) {
    boolean[] any = {false};
    boolean[] ok = {true};
    forEach(
        tree,
        c.key(),
        c.rangeEnd(),
        (k, head) -> {
          Version v = head.liveAt(rev);
          if (v == null) {
            return true;
          }
          any[0] = true;
          if (!holds(c, v, v.version, v.createMain, v.modMain, v.lease)) {
            ok[0] = false;
            return false;
          }
          return true;
        });
    if (any[0]) {
      return ok[0];
    }
    if (c.target() == CompareTarget.VALUE) {
      return false;
    }
    return holds(c, null, 0, 0, 0, 0);
  }

  /**
   * Whether {@code c} holds for a version with these fields and the value of {@code v} (null:
   * empty).
   */
  private static boolean holds(
      Compare c, Version v, long version, long create, long mod, long lease) {
    int r =
        switch (c.target()) {
          case VALUE ->
              v == null
                  ? Arrays.compareUnsigned(KeyValue.EMPTY, c.value())
                  : v.compareValue(c.value());
          case VERSION -> Long.compare(version, c.number());
          case CREATE -> Long.compare(create, c.number());
          case MOD -> Long.compare(mod, c.number());
          case LEASE -> Long.compare(lease, c.number());
        };
    return switch (c.result()) {
      case EQUAL -> r == 0;
      case NOT_EQUAL -> r != 0;
      case GREATER -> r > 0;
      case LESS -> r < 0;
    };
  }

  /**
   * The event that wrote {@code v}. Its prevKv is the next older version when that is live and
   * still readable: for an event at the compacted revision itself the previous version lies below
   * the compaction point and is reported as absent (as etcd, whose watch reads the previous version
   * at {@code modRevision - 1} and gets nothing once that is compacted), whether or not the batched
   * compaction has physically removed it yet.
   */
  static Event event(byte[] key, Version v, long compacted) {
    Version prev = v.modMain <= compacted ? null : v.older;
    KeyValue prevKv = prev == null || prev.isTombstone() ? null : prev.toKeyValue(key, false);
    return new Event(
        v.isTombstone() ? EventType.DELETE : EventType.PUT,
        v.toKeyValue(key, false),
        prevKv,
        v.revision());
  }

  /**
   * Events with revision >= {@code from} (and main revision <= {@code current}) in the range, in
   * revision order, at most {@code maxEvents}. Fails when {@code from.main() < compacted}: as
   * etcd's watch, a start revision equal to the compacted revision is still served (compaction
   * keeps every version written at exactly that revision).
   */
  static HistoryPage history(
      PersistentBTree<Version> tree,
      long current,
      long compacted,
      byte[] key,
      byte[] rangeEnd,
      Revision from,
      int maxEvents,
      MvccConfig config) {
    Requests.checkRange(key, rangeEnd, config);
    if (maxEvents <= 0) {
      throw new IllegalArgumentException("maxEvents must be positive, got " + maxEvents);
    }
    if (from.main() < compacted) {
      throw new CompactedException(compacted);
    }
    if (from.main() > current) {
      return new HistoryPage(List.of(), from, false);
    }
    // Keep the maxEvents + 1 smallest revisions: a max-heap evicting its largest.
    Comparator<Event> byRev = Comparator.comparing(Event::revision);
    PriorityQueue<Event> heap = new PriorityQueue<>(byRev.reversed());
    int keep = maxEvents + 1;
    forEach(
        tree,
        key,
        rangeEnd,
        (k, head) -> {
          for (Version v = head; v != null; v = v.older) {
            if (v.modMain > current) {
              continue;
            }
            if (v.modMain < from.main() || (v.modMain == from.main() && v.modSub < from.sub())) {
              break;
            }
            if (heap.size() == keep) {
              Revision max = heap.peek().revision();
              if (compareRev(v, max) >= 0) {
                continue;
              }
              heap.poll();
            }
            heap.add(event(k, v, compacted));
          }
          return true;
        });
    List<Event> events = new ArrayList<>(heap);
    events.sort(byRev);
    if (events.size() > maxEvents) {
      Revision next = events.get(maxEvents).revision();
      return new HistoryPage(events.subList(0, maxEvents), next, true);
    }
    return new HistoryPage(events, new Revision(current + 1, 0), false);
  }

  private static int compareRev(Version v, Revision r) {
    int c = Long.compare(v.modMain, r.main());
    return c != 0 ? c : Long.compare(v.modSub, r.sub());
  }

  /**
   * etcd's hashKv: CRC32C over every version with main revision <= {@code rev}, keys ascending and
   * each key's versions oldest first. Versions at or below the compacted revision count only when
   * they are the one compaction keeps for the key and not a tombstone (etcd's {@code keep}); so the
   * hash is the same whether or not the physical compaction has run yet, and the same on every
   * member.
   */
  static KvHash hashKv(
      PersistentBTree<Version> tree, long current, long compacted, long requested) {
    if (requested > 0 && requested < compacted) {
      throw new CompactedException(compacted);
    }
    if (requested > current) {
      throw new FutureRevisionException(requested, current);
    }
    long rev = requested <= 0 ? current : requested;
    CRC32C crc = new CRC32C();
    ByteBuffer scratch = ByteBuffer.allocate(5 * Long.BYTES + Integer.BYTES + 1);
    List<Version> oldestFirst = new ArrayList<>();
    PersistentBTree.Cursor<Version> c = tree.ascending(null);
    while (c.next()) {
      byte[] key = c.key();
      Version kept = c.value().at(compacted);
      oldestFirst.clear();
      for (Version v = c.value(); v != null; v = v.older) {
        oldestFirst.add(v);
      }
      for (int i = oldestFirst.size() - 1; i >= 0; i--) {
        Version v = oldestFirst.get(i);
        if (v.modMain > rev) {
          break;
        }
        if (v.modMain <= compacted && (v != kept || v.isTombstone())) {
          continue;
        }
        scratch.clear();
        scratch.putInt(key.length);
        crc.update(scratch.flip());
        crc.update(key);
        scratch.clear();
        scratch
            .putLong(v.modMain)
            .putLong(v.modSub)
            .putLong(v.createMain)
            .putLong(v.version)
            .putLong(v.lease)
            .put((byte) (v.isTombstone() ? 1 : 0))
            .putInt(v.valueLength());
        crc.update(scratch.flip());
        if (v.valueArray != null) {
          crc.update(v.valueArray, v.valueOffset(), v.valueLength());
        }
      }
    }
    return new KvHash((int) crc.getValue(), compacted, rev);
  }

  /** Live keys at {@code rev} with a lease, grouped by lease id. */
  static Long2ObjectHashMap<List<byte[]>> keysByLease(PersistentBTree<Version> tree, long rev) {
    Long2ObjectHashMap<List<byte[]>> out = new Long2ObjectHashMap<>();
    PersistentBTree.Cursor<Version> c = tree.ascending(null);
    while (c.next()) {
      Version v = c.value().liveAt(rev);
      if (v != null && v.lease != 0) {
        List<byte[]> keys = out.get(v.lease);
        if (keys == null) {
          keys = new ArrayList<>();
          out.put(v.lease, keys);
        }
        keys.add(c.key());
      }
    }
    return out;
  }
}
