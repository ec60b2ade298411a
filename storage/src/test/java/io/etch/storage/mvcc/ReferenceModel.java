package io.etch.storage.mvcc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A deliberately simple reference for {@link MvccStore}: a sorted map from key to its full list of
 * versions, oldest first, with every operation written the obvious (slow) way and the etcd rules
 * coded independently of the store.
 */
final class ReferenceModel {
  record V(long main, long sub, long create, long ver, long lease, byte[] value) {
    boolean tomb() {
      return ver == 0;
    }

    KeyValue kv(byte[] key) {
      return tomb()
          ? new KeyValue(key, new byte[0], 0, main, 0, 0)
          : new KeyValue(key, value, create, main, ver, lease);
    }
  }

  final TreeMap<byte[], List<V>> keys = new TreeMap<>(Arrays::compareUnsigned);
  final List<Event> log = new ArrayList<>();
  final MvccConfig config;
  long rev;
  long compacted;

  ReferenceModel(MvccConfig config) {
    this.config = config;
  }

  // ---- basic lookups -------------------------------------------------------------------------

  V at(byte[] key, long r) {
    List<V> vs = keys.get(key);
    if (vs == null) {
      return null;
    }
    V found = null;
    for (V v : vs) {
      if (v.main() <= r) {
        found = v;
      }
    }
    return found;
  }

  V liveAt(byte[] key, long r) {
    V v = at(key, r);
    return v == null || v.tomb() ? null : v;
  }

  static boolean inRange(byte[] k, byte[] key, byte[] end) {
    if (end == null || end.length == 0) {
      return Arrays.equals(k, key);
    }
    boolean all = end.length == 1 && end[0] == 0;
    return Arrays.compareUnsigned(k, key) >= 0 && (all || Arrays.compareUnsigned(k, end) < 0);
  }

  List<byte[]> keysIn(byte[] key, byte[] end) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] k : keys.keySet()) {
      if (inRange(k, key, end)) {
        out.add(k);
      }
    }
    return out;
  }

  long revFor(long requested, long current) {
    long r = requested <= 0 ? current : requested;
    if (r > current) {
      throw new FutureRevisionException(r, current);
    }
    if (r < compacted) {
      throw new CompactedException(compacted);
    }
    return r;
  }

  // ---- reads ---------------------------------------------------------------------------------

  void checkRange(byte[] key, byte[] end) {
    if (key == null || key.length == 0) {
      throw new EmptyKeyException();
    }
    if (end.length > 0 && !(end.length == 1 && end[0] == 0)) {
      if (Arrays.compareUnsigned(end, key) < 0) {
        throw new RangeEndBeforeKeyException(key, end);
      }
    }
  }

  RangeResponse range(RangeRequest r, long current) {
    checkRange(r.key(), r.rangeEnd());
    if (r.limit() < 0) {
      throw new NegativeLimitException(r.limit());
    }
    long at = revFor(r.revision(), current);
    List<KeyValue> all = new ArrayList<>();
    for (byte[] k : keysIn(r.key(), r.rangeEnd())) {
      V v = liveAt(k, at);
      if (v != null) {
        all.add(v.kv(k));
      }
    }
    long count = all.size();
    if (r.countOnly()) {
      return new RangeResponse(List.of(), false, count, current);
    }
    List<KeyValue> kept = new ArrayList<>();
    for (KeyValue kv : all) {
      if (r.maxModRevision() != 0 && kv.modRevision() > r.maxModRevision()) {
        continue;
      }
      if (r.minModRevision() != 0 && kv.modRevision() < r.minModRevision()) {
        continue;
      }
      if (r.maxCreateRevision() != 0 && kv.createRevision() > r.maxCreateRevision()) {
        continue;
      }
      if (r.minCreateRevision() != 0 && kv.createRevision() < r.minCreateRevision()) {
        continue;
      }
      kept.add(kv);
    }
    Comparator<KeyValue> cmp =
        switch (r.sortTarget()) {
          case KEY -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
          case VERSION -> Comparator.comparingLong(KeyValue::version);
          case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
          case MOD -> Comparator.comparingLong(KeyValue::modRevision);
          case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
        };
    if (r.sortOrder() == SortOrder.DESCEND) {
      kept.sort(cmp.reversed());
    } else if (r.sortOrder() == SortOrder.ASCEND || r.sortTarget() != SortTarget.KEY) {
      kept.sort(cmp);
    }
    boolean more = false;
    if (r.limit() > 0 && kept.size() > r.limit()) {
      kept = new ArrayList<>(kept.subList(0, (int) r.limit()));
      more = true;
    }
    if (r.keysOnly()) {
      kept.replaceAll(
          kv ->
              new KeyValue(
                  kv.key(),
                  new byte[0],
                  kv.createRevision(),
                  kv.modRevision(),
                  kv.version(),
                  kv.lease()));
    }
    return new RangeResponse(kept, more, count, current);
  }

  boolean compare(Compare c, long at) {
    List<V> found = new ArrayList<>();
    for (byte[] k : keysIn(c.key(), c.rangeEnd())) {
      V v = liveAt(k, at);
      if (v != null) {
        found.add(v);
      }
    }
    if (found.isEmpty()) {
      if (c.target() == CompareTarget.VALUE) {
        return false;
      }
      found.add(new V(0, 0, 0, 0, 0, new byte[0]));
    }
    for (V v : found) {
      int r =
          switch (c.target()) {
            case VALUE -> Arrays.compareUnsigned(v.value(), c.value());
            case VERSION -> Long.compare(v.ver(), c.number());
            case CREATE -> Long.compare(v.create(), c.number());
            case MOD -> Long.compare(v.main(), c.number());
            case LEASE -> Long.compare(v.lease(), c.number());
          };
      boolean ok =
          switch (c.result()) {
            case EQUAL -> r == 0;
            case NOT_EQUAL -> r != 0;
            case GREATER -> r > 0;
            case LESS -> r < 0;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // ---- writes --------------------------------------------------------------------------------

  /** A write transaction of the model: all writes at rev + 1, sub in order. */
  final class Tx {
    final List<Event> events = new ArrayList<>();
    long sub;
    final List<Boolean> path = new ArrayList<>();
    int pathPos;

    long current() {
      return sub > 0 ? rev + 1 : rev;
    }

    PutResponse put(PutRequest p) {
      V cur = liveAt(p.key(), current());
      if ((p.ignoreValue() || p.ignoreLease()) && cur == null) {
        throw new KeyNotFoundException(p.key());
      }
      long main = rev + 1;
      V v =
          new V(
              main,
              sub++,
              cur == null ? main : cur.create(),
              cur == null ? 1 : cur.ver() + 1,
              p.ignoreLease() ? cur.lease() : p.lease(),
              p.ignoreValue() ? cur.value() : p.value());
      keys.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(v);
      KeyValue prev = cur == null ? null : cur.kv(p.key());
      events.add(new Event(EventType.PUT, v.kv(p.key()), prev, new Revision(v.main(), v.sub())));
      return new PutResponse(main, p.prevKv() ? prev : null);
    }

    DeleteRangeResponse delete(DeleteRangeRequest d) {
      List<KeyValue> prevs = new ArrayList<>();
      long n = 0;
      long main = rev + 1;
      for (byte[] k : keysIn(d.key(), d.rangeEnd())) {
        V cur = liveAt(k, current());
        if (cur == null) {
          continue;
        }
        V t = new V(main, sub++, 0, 0, 0, null);
        keys.get(k).add(t);
        n++;
        if (d.prevKv()) {
          prevs.add(cur.kv(k));
        }
        events.add(new Event(EventType.DELETE, t.kv(k), cur.kv(k), new Revision(main, t.sub())));
      }
      return new DeleteRangeResponse(current(), n, prevs);
    }

    void plan(TxnRequest t) {
      boolean ok = true;
      for (Compare c : t.compare()) {
        ok &= compare(c, rev);
      }
      path.add(ok);
      for (RequestOp op : ok ? t.success() : t.failure()) {
        if (op instanceof TxnRequest n) {
          plan(n);
        } else if (op instanceof PutRequest p) {
          if ((p.ignoreLease() || p.ignoreValue()) && liveAt(p.key(), rev) == null) {
            throw new KeyNotFoundException(p.key());
          }
        } else if (op instanceof RangeRequest r) {
          revFor(r.revision(), rev);
        }
      }
    }

    TxnResponse run(TxnRequest t) {
      boolean ok = path.get(pathPos++);
      List<ResponseOp> out = new ArrayList<>();
      for (RequestOp op : ok ? t.success() : t.failure()) {
        if (op instanceof TxnRequest n) {
          out.add(run(n));
        } else if (op instanceof PutRequest p) {
          out.add(put(p));
        } else if (op instanceof DeleteRangeRequest d) {
          out.add(delete(d));
        } else if (op instanceof RangeRequest r) {
          out.add(range(r, current()));
        }
      }
      return new TxnResponse(current(), ok, out);
    }

    void commit() {
      if (sub > 0) {
        rev++;
        log.addAll(events);
      }
    }
  }

  /** Snapshot of the model state to roll back a failed operation. */
  TreeMap<byte[], List<V>> copyKeys() {
    TreeMap<byte[], List<V>> c = new TreeMap<>(Arrays::compareUnsigned);
    for (Map.Entry<byte[], List<V>> e : keys.entrySet()) {
      c.put(e.getKey(), new ArrayList<>(e.getValue()));
    }
    return c;
  }

  void restoreKeys(TreeMap<byte[], List<V>> saved) {
    keys.clear();
    keys.putAll(saved);
  }

  void compact(long c) {
    if (c <= compacted) {
      throw new CompactedException(compacted);
    }
    if (c > rev) {
      throw new FutureRevisionException(c, rev);
    }
    compacted = c;
    keys.entrySet()
        .removeIf(
            e -> {
              List<V> vs = e.getValue();
              int kept = -1;
              for (int i = 0; i < vs.size(); i++) {
                if (vs.get(i).main() <= c) {
                  kept = i;
                }
              }
              if (kept < 0) {
                return false;
              }
              V k = vs.get(kept);
              int from = k.tomb() && k.main() < c ? kept + 1 : kept;
              vs.subList(0, from).clear();
              return vs.isEmpty();
            });
  }

  long retainedVersions() {
    long n = 0;
    for (List<V> vs : keys.values()) {
      n += vs.size();
    }
    return n;
  }

  long liveKeys() {
    long n = 0;
    for (byte[] k : keys.keySet()) {
      if (liveAt(k, rev) != null) {
        n++;
      }
    }
    return n;
  }

  List<Event> history(byte[] key, byte[] end, Revision from) {
    if (from.main() < compacted) {
      throw new CompactedException(compacted);
    }
    List<Event> out = new ArrayList<>();
    for (Event e : log) {
      if (e.revision().compareTo(from) >= 0 && inRange(e.kv().key(), key, end)) {
        // At the compacted revision itself the previous version is no longer readable.
        out.add(
            e.revision().main() <= compacted ? new Event(e.type(), e.kv(), null, e.revision()) : e);
      }
    }
    return out;
  }

  /** The hash spelled out independently: same encoding, etcd's keep rule on full histories. */
  int hash(long r) {
    CRC32C crc = new CRC32C();
    for (Map.Entry<byte[], List<V>> e : keys.entrySet()) {
      byte[] key = e.getKey();
      V kept = at(key, compacted);
      for (V v : e.getValue()) {
        if (v.main() > r) {
          break;
        }
        if (v.main() <= compacted && (v != kept || v.tomb())) {
          continue;
        }
        ByteBuffer b = ByteBuffer.allocate(4);
        b.putInt(key.length);
        crc.update(b.array());
        crc.update(key);
        ByteBuffer h = ByteBuffer.allocate(45);
        h.putLong(v.main())
            .putLong(v.sub())
            .putLong(v.create())
            .putLong(v.ver())
            .putLong(v.lease())
            .put((byte) (v.tomb() ? 1 : 0))
            .putInt(v.value() == null ? 0 : v.value().length);
        crc.update(h.array());
        if (v.value() != null) {
          crc.update(v.value());
        }
      }
    }
    return (int) crc.getValue();
  }
}
